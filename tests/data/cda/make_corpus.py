#!/usr/bin/env python3
"""Writes hidewire's NHS 111 Post Event Message corpus (tests/data/cda/*.xml) and, with --ccda DIR,
the same content as HL7 C-CDA documents for the benchmark's peer (bench/run_cda_bench.sh).

Every document is fictional, written for hidewire from the NHS 111 and NHS CDA specifications'
structure (POCD_MT200001GB02, the NHS CDA header templates, NHS111TextSection); coded sections
use the HL7 C-CDA section templates. NHS numbers pass Modulus 11; ODS codes, postcodes and
people are invented."""
import os, re, sys, uuid
from xml.sax.saxutils import escape

SCT, LOINC, UCUM = "2.16.840.1.113883.2.1.3.2.4.15", "2.16.840.1.113883.6.1", "2.16.840.1.113883.6.8"
NHS_VERIFIED, NHS_UNVERIFIED = "2.16.840.1.113883.2.1.4.1", "2.16.840.1.113883.2.1.3.2.4.18.24"
ODS, TPL = "2.16.840.1.113883.2.1.3.2.4.19.1", "2.16.840.1.113883.2.1.3.2.4.18.2"
DISPO = "2.25.243897933381888751215053135310241047180"  # hidewire's stand-in OID for Pathways dispositions

CCDA = False  # set by --ccda: write the HL7 C-CDA shape of the same content (the benchmark's peer reads C-CDA)
CCDA_TEXT_TEMPLATES = {  # C-CDA section templates for the narrative sections, by title
    "reason for call": "2.16.840.1.113883.10.20.22.2.12", "presenting complaint": "1.3.6.1.4.1.19376.1.5.3.1.1.13.2.1",
    "pathways assessment": "2.16.840.1.113883.10.20.22.2.8", "outcome": "2.16.840.1.113883.10.20.22.2.10",
    "disposition": "2.16.840.1.113883.10.20.22.2.10", "care advice given": "2.16.840.1.113883.10.20.22.2.45",
    "worsening advice": "2.16.840.1.113883.10.20.22.2.45", "glass test": "2.16.840.1.113883.10.20.22.2.8"}

def uid(name):  # stable UUIDs, so the corpus is the same each time it is written
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:hidewire:corpus:cda:" + name))

def text_section(name, title, paragraphs, template="COCD_TP146246GB01#Section1"):
    body = "".join(f"<paragraph>{escape(p)}</paragraph>" if isinstance(p, str) else
                   "<list>" + "".join(f"<item>{escape(i)}</item>" for i in p) + "</list>" for p in paragraphs)
    return (f'<component typeCode="COMP" contextConductionInd="true"><section classCode="DOCSECT" moodCode="EVN">'
            + (f'<templateId root="{CCDA_TEXT_TEMPLATES.get(title.lower(), "2.16.840.1.113883.10.20.22.2.65")}"/>' if CCDA else
               f'<templateId root="{TPL}" extension="{template}"/>') + f'<id root="{uid(name + title)}"/>'
            f'<title>{escape(title)}</title><text>{body}</text></section></component>')

def coded_section(name, template, title, rows, entries):
    table = ("<table><thead><tr><th>Item</th><th>Detail</th></tr></thead><tbody>" +
             "".join(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td></tr>" for a, b in rows) + "</tbody></table>")
    return (f'<component typeCode="COMP" contextConductionInd="true"><section classCode="DOCSECT" moodCode="EVN">'
            f'<templateId root="{template}"/><id root="{uid(name + title)}"/><title>{escape(title)}</title>'
            f'<text>{table}</text>{"".join(entries)}</section></component>')

def problem(name, n, code, display, onset, resolved=None):
    high = f'<high value="{resolved}"/>' if resolved else ""
    return (f'<entry typeCode="DRIV"><act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.3"/>'
            f'<id root="{uid(name + "p" + str(n))}"/><code code="CONC" codeSystem="2.16.840.1.113883.5.6"/><statusCode code="active"/>'
            f'<entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN">'
            + ('<templateId root="2.16.840.1.113883.10.20.22.4.4"/>' if CCDA else "") + f'<id root="{uid(name + "po" + str(n))}"/><code code="55607006" codeSystem="{SCT}" displayName="Problem"/>'
            f'<statusCode code="completed"/><effectiveTime><low value="{onset}"/>{high}</effectiveTime>'
            f'<value xsi:type="CD" code="{code}" codeSystem="{SCT}" displayName="{escape(display)}"/></observation></entryRelationship></act></entry>')

def allergy(name, n, code, display, reaction_code, reaction):
    if CCDA:
        return (f'<entry typeCode="DRIV"><act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.30"/>'
                f'<id root="{uid(name + "aa" + str(n))}"/><code code="CONC" codeSystem="2.16.840.1.113883.5.6"/><statusCode code="active"/>'
                f'<entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.7"/>'
                f'<id root="{uid(name + "a" + str(n))}"/><code code="ASSERTION" codeSystem="2.16.840.1.113883.5.4"/><statusCode code="completed"/>'
                f'<value xsi:type="CD" code="{code}" codeSystem="{SCT}" displayName="{escape(display)}"/>'
                f'<participant typeCode="CSM"><participantRole classCode="MANU"><playingEntity classCode="MMAT">'
                f'<code code="373270004" codeSystem="{SCT}" displayName="Penicillin"/></playingEntity></participantRole></participant>'
                f'<entryRelationship typeCode="MFST" inversionInd="true"><observation classCode="OBS" moodCode="EVN">'
                f'<templateId root="2.16.840.1.113883.10.20.22.4.9"/><code code="ASSERTION" codeSystem="2.16.840.1.113883.5.4"/>'
                f'<value xsi:type="CD" code="{reaction_code}" codeSystem="{SCT}" displayName="{escape(reaction)}"/></observation>'
                f'</entryRelationship></observation></entryRelationship></act></entry>')
    return (f'<entry typeCode="DRIV"><observation classCode="OBS" moodCode="EVN"><id root="{uid(name + "a" + str(n))}"/>'
            f'<code code="ASSERTION" codeSystem="2.16.840.1.113883.5.4"/><statusCode code="completed"/>'
            f'<value xsi:type="CD" code="{code}" codeSystem="{SCT}" displayName="{escape(display)}"/>'
            f'<entryRelationship typeCode="MFST" inversionInd="true"><observation classCode="OBS" moodCode="EVN">'
            f'<code code="ASSERTION" codeSystem="2.16.840.1.113883.5.4"/>'
            f'<value xsi:type="CD" code="{reaction_code}" codeSystem="{SCT}" displayName="{escape(reaction)}"/></observation>'
            f'</entryRelationship></observation></entry>')

def medication(name, n, code, display, dose_text, start, dose=None, unit=None):
    q = f'<doseQuantity value="{dose}" unit="{unit}"/>' if dose else ""
    tpl = '<templateId root="2.16.840.1.113883.10.20.22.4.16"/>' if CCDA else ""
    return (f'<entry typeCode="DRIV"><substanceAdministration classCode="SBADM" moodCode="EVN">{tpl}<id root="{uid(name + "m" + str(n))}"/>'
            f'<text>{escape(dose_text)}</text><statusCode code="active"/><effectiveTime xsi:type="IVL_TS"><low value="{start}"/></effectiveTime>'
            f'<routeCode code="26643006" codeSystem="{SCT}" displayName="Oral route"/>{q}'
            f'<consumable><manufacturedProduct><manufacturedMaterial><code code="{code}" codeSystem="{SCT}" displayName="{escape(display)}"/>'
            f'</manufacturedMaterial></manufacturedProduct></consumable></substanceAdministration></entry>')

def vitals(name, when, values):
    comps = "".join(
        f'<component><observation classCode="OBS" moodCode="EVN">'
        + ('<templateId root="2.16.840.1.113883.10.20.22.4.27"/>' if CCDA else "") + f'<id root="{uid(name + "v" + code)}"/>'
        f'<code code="{code}" codeSystem="{LOINC}" displayName="{escape(display)}"/><statusCode code="completed"/>'
        f'<effectiveTime value="{when}"/><value xsi:type="PQ" value="{v}" unit="{u}"/></observation></component>'
        for code, display, v, u in values)
    return (f'<entry typeCode="DRIV"><organizer classCode="CLUSTER" moodCode="EVN">'
            + ('<templateId root="2.16.840.1.113883.10.20.22.4.26"/>' if CCDA else "") + f'<id root="{uid(name + "vs")}"/>'
            f'<code code="46680005" codeSystem="{SCT}" displayName="Vital signs"/><statusCode code="completed"/>'
            f'<effectiveTime value="{when}"/>{comps}</organizer></entry>')

def person(p):
    return f'<name use="L"><prefix>{p["prefix"]}</prefix><given>{p["given"]}</given><family>{p["family"]}</family></name>'

def document(d):
    name = d["name"]
    pid = []
    if d.get("nhs"):
        pid.append(f'<id root="{d.get("nhs_root", NHS_VERIFIED)}" extension="{d["nhs"]}"/>')
    pid.append(f'<id root="2.16.840.1.113883.2.1.3.2.4.18.25" extension="{d["local_id"]}"/>' if d.get("local_id") else "")
    p, gp, a = d["patient"], d["gp"], d["author"]
    related = (f'<relatedDocument typeCode="RPLC"><parentDocument classCode="DOCCLIN" moodCode="EVN"><id root="{uid(d["replaces"])}"/>'
               f'</parentDocument></relatedDocument>') if d.get("replaces") else ""
    trackers = "".join(
        f'<informationRecipient typeCode="TRC"><intendedRecipient classCode="ASSIGNED"><receivedOrganization classCode="ORG" determinerCode="INSTANCE">'
        f'<id root="{ODS}" extension="{ods}"/><name>{escape(org)}</name></receivedOrganization></intendedRecipient></informationRecipient>'
        for ods, org in d.get("trackers", []))
    extra = d.get("extra_header", "")
    doc = f'''<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:npfitlc="NPFIT:HL7:Localisation" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" classCode="DOCCLIN" moodCode="EVN">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <npfitlc:messageType root="2.16.840.1.113883.2.1.3.2.4.18.17" extension="POCD_MT200001GB02"/>
  <id root="{uid(d.get("doc_id", name))}"/>
  <code code="371531000" codeSystem="{SCT}" displayName="Report of clinical encounter"/>
  <title>NHS 111 Report</title>
  <effectiveTime value="{d["written"]}"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25" displayName="normal"/>
  <setId root="{uid(d.get("set", name) + "-set")}"/>
  <versionNumber value="{d.get("version", 1)}"/>
  <recordTarget typeCode="RCT" contextControlCode="OP">
    <npfitlc:contentId root="2.16.840.1.113883.2.1.3.2.4.18.16" extension="COCD_TP145201GB01#PatientRole"/>
    <patientRole classCode="PAT">
      <templateId root="{TPL}" extension="COCD_TP145201GB01#PatientRole"/>
      {"".join(pid)}
      <addr use="H"><streetAddressLine>{escape(p["street"])}</streetAddressLine><city>{escape(p["town"])}</city><postalCode>{p["postcode"]}</postalCode></addr>
      <telecom use="HP" value="tel:{p["phone"]}"/>
      <patient classCode="PSN" determinerCode="INSTANCE">
        <templateId root="{TPL}" extension="COCD_TP145201GB01#patientPatient"/>
        {person(p)}
        <administrativeGenderCode code="{p["sex"]}" codeSystem="2.16.840.1.113883.2.1.3.2.4.16.25"/>
        <birthTime value="{p["born"]}"/>
      </patient>
      <providerOrganization classCode="ORG" determinerCode="INSTANCE">
        <templateId root="{TPL}" extension="COCD_TP145201GB01#providerOrganization"/>
        <id root="{ODS}" extension="{gp["ods"]}"/><name>{escape(gp["name"])}</name>
      </providerOrganization>
    </patientRole>
  </recordTarget>
  <author typeCode="AUT" contextControlCode="OP">
    <functionCode code="OA" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.178" displayName="Originating Author"/>
    <time value="{d["written"]}"/>
    <assignedAuthor classCode="ASSIGNED">
      <templateId root="{TPL}" extension="COCD_TP145200GB01#AssignedAuthor"/>
      <id root="1.2.826.0.1285.0.2.0.65" extension="{a["user"]}"/>
      <id root="1.2.826.0.1285.0.2.0.67" extension="{a["role_profile"]}"/>
      <code code="{a["role_code"]}" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.196" displayName="{escape(a["role"])}"/>
      <assignedPerson classCode="PSN" determinerCode="INSTANCE">{person(a)}</assignedPerson>
      <representedOrganization classCode="ORG" determinerCode="INSTANCE"><id root="{ODS}" extension="{d["provider_ods"]}"/><name>{escape(d["provider"])}</name></representedOrganization>
    </assignedAuthor>
  </author>
  <custodian typeCode="CST"><assignedCustodian classCode="ASSIGNED">
    <templateId root="{TPL}" extension="COCD_TP145018UK03#AssignedCustodian"/>
    <representedCustodianOrganization classCode="ORG" determinerCode="INSTANCE"><id root="{ODS}" extension="{d["provider_ods"]}"/><name>{escape(d["provider"])}</name></representedCustodianOrganization>
  </assignedCustodian></custodian>
  {"" if d.get("no_recipient") else f"""<informationRecipient typeCode="PRCP"><intendedRecipient classCode="ASSIGNED">
    <id root="2.16.840.1.113883.2.1.3.2.4.18.22" extension="urn:nhs-uk:addressing:ods:{gp["ods"]}"/>
    <receivedOrganization classCode="ORG" determinerCode="INSTANCE"><id root="{ODS}" extension="{gp["ods"]}"/><name>{escape(gp["name"])}</name></receivedOrganization>
  </intendedRecipient></informationRecipient>"""}{trackers}{extra}{related}
  <componentOf typeCode="COMP"><encompassingEncounter classCode="ENC" moodCode="EVN">
    <id root="{uid(name + "-call")}"/>
    <code code="185317003" codeSystem="{SCT}" displayName="Telephone encounter"/>
    <effectiveTime><low value="{d["call"][0]}"/><high value="{d["call"][1]}"/></effectiveTime>
    <dischargeDispositionCode code="{d["dx"][0]}" codeSystem="{DISPO}" displayName="{escape(d["dx"][1])}"/>
  </encompassingEncounter></componentOf>
  <component typeCode="COMP" contextConductionInd="true"><structuredBody classCode="DOCBODY" moodCode="EVN">
    {"".join(d["sections"])}
  </structuredBody></component>
</ClinicalDocument>
'''
    if CCDA:
        doc = doc.replace('  <npfitlc:messageType root="2.16.840.1.113883.2.1.3.2.4.18.17" extension="POCD_MT200001GB02"/>\n',
                          '  <realmCode code="GB"/>\n  <templateId root="2.16.840.1.113883.10.20.22.1.1"/>\n  <templateId root="2.16.840.1.113883.10.20.22.1.4"/>\n')
        doc = re.sub(r'\s*<npfitlc:contentId[^>]*/>', '', doc)
        doc = re.sub(r'<templateId root="2\.16\.840\.1\.113883\.2\.1\.3\.2\.4\.18\.2" extension="COCD_TP1452[^"]*"/>\s*', '', doc)
        doc = re.sub(r'<administrativeGenderCode code="(\d)" codeSystem="[^"]*"/>',
                     lambda m: f'<administrativeGenderCode code="{ {"1": "M", "2": "F"}.get(m.group(1), "UN")}" codeSystem="2.16.840.1.113883.5.1"/>', doc)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + doc
    if not d.get("envelope"):
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + doc
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<itk:DistributionEnvelope xmlns:itk="urn:nhs-itk:ns:201005" xmlns="urn:hl7-org:v3">
  <itk:header service="urn:nhs-itk:services:201005:SendNHS111Report-v2-0" trackingid="{uid(name + "-tracking").upper()}">
    <itk:addresslist><itk:address uri="urn:nhs-uk:addressing:ods:{gp["ods"]}"/></itk:addresslist>
    <itk:auditIdentity><itk:id uri="urn:nhs-uk:identity:ods:{d["provider_ods"]}"/></itk:auditIdentity>
    <itk:manifest count="1"><itk:manifestitem mimetype="text/xml" id="uuid_{uid(name + "-payload").upper()}" profileid="urn:nhs-en:profile:nhs111CDADocument-v2-0"/></itk:manifest>
    <itk:senderAddress uri="urn:nhs-uk:addressing:ods:{d["provider_ods"]}"/>
    <itk:handlingSpecification><itk:spec key="urn:nhs-itk:ns:201005:interaction" value="urn:nhs-itk:interaction:primaryGeneralPractitionerRecipientNHS111CDADocument-v2-0"/></itk:handlingSpecification>
  </itk:header>
  <itk:payloads count="1"><itk:payload id="uuid_{uid(name + "-payload").upper()}">
{doc}  </itk:payload></itk:payloads>
</itk:DistributionEnvelope>
'''

PROVIDERS = {"NWX": "North West NHS 111 (fictional)", "E3Q": "East Midlands Integrated Urgent Care (fictional)"}
GP = {"C84001": "Beeston Road Medical Practice", "P88012": "Stockport Heath Surgery", "C82044": "Loughborough Park Surgery"}
ADVISER = {"user": "555021935107", "role_profile": "555021936108", "role_code": "R8003", "role": "Health Care Support Worker",
           "prefix": "Mr", "given": "Daniel", "family": "Okafor"}
CLINICIAN = {"user": "555033417209", "role_profile": "555033418201", "role_code": "R0260", "role": "General Medical Practitioner",
             "prefix": "Dr", "given": "Helen", "family": "Ashworth"}

def pt(prefix, given, family, sex, born, street, town, postcode, phone):
    return dict(prefix=prefix, given=given, family=family, sex=sex, born=born, street=street, town=town, postcode=postcode, phone=phone)

def gp(ods):
    return {"ods": ods, "name": GP[ods]}

def base(name, **kw):
    d = dict(name=name, provider_ods="NWX", provider=PROVIDERS["NWX"], author=ADVISER, written="20261203183512+0000",
             call=("20261203181005+0000", "20261203183240+0000"))
    d.update(kw)
    return d

def corpus():
    n = "pem_dx05_gp_2h_envelope"
    yield n, base(n, envelope=True, nhs="4434640976", gp=gp("C84001"), dx=("Dx05", "To contact a Primary Care Service within 2 hours"),
                  patient=pt("Mrs", "Margaret", "Hollis", "2", "19480312", "22 Wollaton Vale", "Nottingham", "NG8 2PB", "01159460321"), sections=[
        text_section(n, "Reason for call", ["Caller reports a productive cough for five days, now with a temperature and feeling short of breath on stairs."]),
        text_section(n, "Pathways assessment", ["Respiratory symptoms pathway.", ["No chest pain", "Able to speak in full sentences", "Temperature 38.2 C reported"]]),
        text_section(n, "Outcome", ["Dx05: to contact a primary care service within 2 hours. Caller agreed to the outcome."]),
        text_section(n, "Care advice given", [["Keep drinking fluids", "Paracetamol for the temperature", "Call 999 if breathing becomes much harder"]])])
    n = "pem_dx02_ed_coded"
    yield n, base(n, nhs="4202466330", gp=gp("P88012"), dx=("Dx02", "Attend Emergency Treatment Centre within 1 hour"), author=CLINICIAN,
                  provider_ods="E3Q", provider=PROVIDERS["E3Q"], written="20261203214455+0000", call=("20261203211230+0000", "20261203214012+0000"),
                  patient=pt("Mr", "Robert", "Pennington", "1", "19611107", "7 Edgeley Road", "Stockport", "SK3 9NQ", "07700900461"), sections=[
        text_section(n, "Presenting complaint", ["Central chest tightness for 40 minutes, radiating to the left arm, started at rest."]),
        coded_section(n, "2.16.840.1.113883.10.20.22.2.5.1", "Problems", [("Hypertensive disorder", "since 2015"), ("Type 2 diabetes", "since 2019")],
                      [problem(n, 1, "38341003", "Hypertensive disorder", "20150601"), problem(n, 2, "44054006", "Diabetes mellitus type 2", "20190214")]),
        coded_section(n, "2.16.840.1.113883.10.20.22.2.1.1", "Medication", [("Metformin 500mg tablets", "one twice a day")],
                      [medication(n, 1, "325278007", "Metformin 500mg tablets", "One tablet twice a day", "20190301", "1", "1")]),
        coded_section(n, "2.16.840.1.113883.10.20.22.2.6.1", "Allergies", [("Penicillin", "rash")],
                      [allergy(n, 1, "91936005", "Allergy to penicillin", "271807003", "Eruption of skin")]),
        coded_section(n, "2.16.840.1.113883.10.20.22.2.4.1", "Vital signs", [("Heart rate", "104 /min"), ("Respiratory rate", "20 /min")],
                      [vitals(n, "20261203213000+0000", [("8867-4", "Heart rate", "104", "/min"), ("9279-1", "Respiratory rate", "20", "/min")])]),
        text_section(n, "Disposition", ["Dx02: attend an emergency treatment centre within 1 hour. Ambulance offered and declined; son driving."])])
    n = "pem_dx13_self_care_envelope"
    yield n, base(n, envelope=True, nhs="4529923126", gp=gp("C82044"), dx=("Dx13", "Self care - no further action"),
                  patient=pt("Miss", "Aisha", "Rahman", "2", "19990822", "14 Ashby Road", "Loughborough", "LE11 3TU", "07700900112"), sections=[
        text_section(n, "Reason for call", ["Sore throat for two days, eating and drinking normally."]),
        coded_section(n, "2.16.840.1.113883.10.20.22.2.5.1", "Problems", [("Sore throat", "2 days")],
                      [problem(n, 1, "162397003", "Pain in throat", "20261201")]),
        text_section(n, "Care advice given", ["Self care advice given; pharmacist can advise on throat lozenges."])])
    n = "pem_dx75_pharmacy"
    yield n, base(n, nhs="4873669464", gp=gp("C84001"), dx=("Dx75", "To contact a Community Pharmacist within 12 hours"),
                  patient=pt("Mr", "Thomas", "Whitlock", "1", "19830115", "3 Chilwell Road", "Beeston", "NG9 1EJ", "01159251187"), sections=[
        text_section(n, "Reason for call", ["Ran out of regular medication while away from home."]),
        coded_section(n, "2.16.840.1.113883.10.20.22.2.1.1", "Medication", [("Amlodipine 5mg tablets", "one daily")],
                      [medication(n, 1, "319283006", "Amlodipine 5mg tablets", "One tablet each morning", "20240910", "1", "1"),
                       medication(n, 2, "322236009", "Paracetamol 500mg tablets", "Two tablets up to four times a day", "20261120", "2", "1")]),
        text_section(n, "Outcome", ["Emergency supply from a community pharmacist advised."])])
    n = "pem_dx011_ambulance_envelope"
    yield n, base(n, envelope=True, nhs="4064808940", gp=gp("P88012"), dx=("Dx011", "Emergency Ambulance Response for Potential Stroke"), author=CLINICIAN,
                  trackers=[("RWJ", "Stepping Hill Hospital (fictional copy recipient)")],
                  patient=pt("Mrs", "Joan", "Fairclough", "2", "19390630", "41 Bramhall Lane", "Stockport", "SK2 6HT", "01614800237"), sections=[
        text_section(n, "Reason for call", ["Daughter reports sudden weakness of the right arm and slurred speech, onset 20 minutes before the call."]),
        coded_section(n, "2.16.840.1.113883.10.20.22.2.4.1", "Vital signs", [("Respiratory rate", "18 /min"), ("Oxygen saturation", "95 %"), ("Temperature", "36.9 C")],
                      [vitals(n, "20261203182500+0000", [("9279-1", "Respiratory rate", "18", "/min"), ("2708-6", "Oxygen saturation", "95", "%"),
                                                           ("8310-5", "Body temperature", "36.9", "Cel")])]),
        text_section(n, "Outcome", ["Category 2 ambulance dispatched; FAST positive. Ambulance service informed of onset time."],)])
    n = "pem_dx06_nested_sections"
    yield n, base(n, nhs="4097222333", gp=gp("C82044"), dx=("Dx06", "To contact a Primary Care Service within 6 hours"),
                  provider_ods="E3Q", provider=PROVIDERS["E3Q"],
                  patient=pt("Master", "Oliver", "Grant", "1", "20190504", "9 Forest Road", "Loughborough", "LE11 3NW", "07700900733"), sections=[
        text_section(n, "Reason for call", ["Mother reports a rash on the child's trunk since this morning; child is alert and feeding."]).replace(
            "</text></section>", "</text>" + text_section(n, "Glass test", ["Rash fades under a glass."]) + "</section>"),
        text_section(n, "Worsening advice", ["Call back or dial 999 if the rash stops fading, or the child becomes drowsy or floppy."])])
    n = "pem_dx05_replacement"
    yield n, base(n, nhs="4434640976", gp=gp("C84001"), dx=("Dx05", "To contact a Primary Care Service within 2 hours"),
                  set="pem_dx05_gp_2h_envelope", version=2, replaces="pem_dx05_gp_2h_envelope", written="20261203190102+0000",
                  patient=pt("Mrs", "Margaret", "Hollis", "2", "19480312", "22 Wollaton Vale", "Nottingham", "NG8 2PB", "01159460321"), sections=[
        text_section(n, "Reason for call", ["Caller reports a productive cough for five days, now with a temperature of 38.2 C and breathlessness on stairs."]),
        text_section(n, "Outcome", ["Dx05: to contact a primary care service within 2 hours (corrected: callback number)."])])
    n = "pem_no_nhs_number"
    yield n, base(n, nhs=None, local_id="NWX-CALLER-20261203-0031", gp=gp("C84001"), dx=("Dx05", "To contact a Primary Care Service within 2 hours"),
                  patient=pt("Mr", "Piotr", "Nowak", "1", "19900228", "Flat 2, 18 Derby Road", "Nottingham", "NG7 1LR", "07700900514"), sections=[
        text_section(n, "Reason for call", ["Visitor to the area, not registered locally; back pain after lifting, no red flags."]),
        text_section(n, "Outcome", ["Dx05: to contact a primary care service within 2 hours."])])
    n = "pem_unknown_templates"
    unknown = (f'<component typeCode="COMP"><section classCode="DOCSECT" moodCode="EVN"><templateId root="{TPL}" extension="COCD_TP999901GB01#Section1"/>'
               f'<title>Safeguarding</title><text><paragraph>No safeguarding concerns identified.</paragraph></text>'
               f'<entry><observation classCode="OBS" moodCode="EVN"><code code="225337009" codeSystem="{SCT}" displayName="Suspected abuse"/>'
               f'<value xsi:type="BL" value="false"/></observation></entry></section></component>')
    vendor = (f'<component typeCode="COMP"><section classCode="DOCSECT" moodCode="EVN"><templateId root="1.3.6.1.4.1.19376.1.5.3.1.3.1"/>'
              f'<title>Call handler notes</title><text><content styleCode="Bold">Caller was calm.</content><br/>Line dropped once and was called back.</text></section></component>')
    yield n, base(n, nhs="4719248659", nhs_root=NHS_UNVERIFIED, gp=gp("P88012"), dx=("Dx05", "To contact a Primary Care Service within 2 hours"),
                  extra_header=('<participant typeCode="CALLBCK"><associatedEntity classCode="ASSIGNED"><telecom value="tel:07700900999"/>'
                                '</associatedEntity></participant>'),
                  patient=pt("Ms", "Claire", "Dunmore", "2", "19750919", "60 Buxton Road", "Stockport", "SK2 7AA", "07700900620"), sections=[
        text_section(n, "Reason for call", ["Migraine not settling with usual medication."]), unknown, vendor])
    n = "pem_bad_nhs_number"
    yield n, base(n, nhs="4126339206", gp=gp("C84001"), dx=("Dx05", "To contact a Primary Care Service within 2 hours"),
                  patient=pt("Mr", "Alan", "Briggs", "1", "19550101", "1 Station Road", "Beeston", "NG9 2AB", "01159250000"), sections=[
        text_section(n, "Reason for call", ["Dizziness on standing."])])

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    if len(sys.argv) == 3 and sys.argv[1] == "--ccda":
        CCDA, here = True, sys.argv[2]
    for name, d in corpus():
        # Not for the peer: an NHS number that fails, and templates unknown (C-CDA converters stop at them).
        if CCDA and name in ("pem_bad_nhs_number", "pem_unknown_templates"):
            continue
        with open(os.path.join(here, name + ".xml"), "w") as f:
            f.write(document(d))
