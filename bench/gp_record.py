#!/usr/bin/env python3
"""A GP practice's record of one patient, as a FHIR R4 transaction Bundle for the practice's node.

Shaped as GP Connect Access Record Structured serves it (UK Core): the practice (Organization, by
ODS code), her GP (Practitioner), the Patient (NHS number, registered practice, her carer as a
contact and a RelatedPerson), medications as Medication + MedicationStatement + the authorisation
(MedicationRequest intent plan) + its issues (MedicationRequest intent order, basedOn the plan),
problems (Condition, problem-list-item), observations, consultations (Encounter), an allergy.

The clinical core is always there: furosemide started a week before --today (heart failure),
COPD, type 2 diabetes, hypertension, her daughter as carer. --medications, --problems,
--observations and --consultations add realistic history up to those counts (the benchmark's
record: 50, 30, 200, 40). Deterministic for the same arguments.

  gp_record.py --nhs 9434765919 [--today 2026-12-02] [--sizes 50,30,200,40] [--dissent] [--sensitive]
  gp_record.py --check-nhs N      exit 0 if N is a valid NHS number (mod 11)
  gp_record.py --make-nhs PREFIX9 prints PREFIX9 + its check digit (fails if none exists)
"""
import argparse
import datetime as dt
import json
import random
import sys

SCT = "http://snomed.info/sct"
NHS = "https://fhir.nhs.uk/Id/nhs-number"
ODS = "https://fhir.nhs.uk/Id/ods-organization-code"
SDS_USER = "https://fhir.nhs.uk/Id/sds-user-id"

# dm+d VMPs (SNOMED CT codes, as UK Core codes medicines): (code, name, dose, quantity, unit, problem it treats)
MEDICINES = [
    ("317971007", "Furosemide 40mg tablets", "One tablet to be taken each morning", 28, "tablet", "heart-failure"),
    ("325278000", "Metformin 500mg tablets", "One tablet to be taken twice a day with meals", 56, "tablet", "diabetes"),
    ("319283006", "Amlodipine 5mg tablets", "One tablet to be taken once a day", 28, "tablet", "hypertension"),
    ("408051007", "Ramipril 2.5mg capsules", "One capsule to be taken once a day", 28, "capsule", "hypertension"),
    ("320000009", "Simvastatin 40mg tablets", "One tablet to be taken at night", 28, "tablet", "diabetes"),
    ("319773006", "Aspirin 75mg dispersible tablets", "One tablet to be taken once a day", 28, "tablet", "hypertension"),
    ("320176004", "Salbutamol 100micrograms/dose inhaler CFC free", "Two puffs to be inhaled when required", 1, "inhaler", "copd"),
    ("407912001", "Tiotropium bromide 18microgram inhalation powder capsules", "One capsule to be inhaled once a day", 30, "capsule", "copd"),
    ("322236009", "Paracetamol 500mg tablets", "One or two tablets up to four times a day when required", 100, "tablet", None),
    ("317335000", "Omeprazole 20mg gastro-resistant capsules", "One capsule to be taken once a day", 28, "capsule", None),
    ("323509004", "Amoxicillin 250mg capsules", "One capsule to be taken three times a day for 5 days", 15, "capsule", "copd"),
    ("324357003", "Prednisolone 5mg tablets", "Six tablets to be taken once a day for 5 days", 30, "tablet", "copd"),
    ("325238004", "Gliclazide 80mg tablets", "One tablet to be taken each morning with breakfast", 28, "tablet", "diabetes"),
    ("318420003", "Bisoprolol 2.5mg tablets", "One tablet to be taken once a day", 28, "tablet", "heart-failure"),
    ("330300004", "Docusate 100mg capsules", "One capsule to be taken twice a day when required", 30, "capsule", None),
]

# Problems: (SNOMED code, display, key the medicines use)
CORE_PROBLEMS = [
    ("13645005", "Chronic obstructive lung disease", "copd", 4100),
    ("44054006", "Diabetes mellitus type 2", "diabetes", 5200),
    ("38341003", "Hypertensive disorder", "hypertension", 7300),
    ("84114007", "Heart failure", "heart-failure", 7),
]
HISTORY_PROBLEMS = [
    ("195967001", "Asthma"), ("396275006", "Osteoarthritis"), ("35489007", "Depressive disorder"),
    ("68566005", "Urinary tract infectious disease"), ("233604007", "Pneumonia"), ("71620000", "Fracture of femur"),
    ("193570009", "Cataract"), ("40930008", "Hypothyroidism"), ("235595009", "Gastroesophageal reflux disease"),
    ("230690007", "Cerebrovascular accident"), ("49436004", "Atrial fibrillation"), ("709044004", "Chronic kidney disease"),
    ("15777000", "Prediabetes"), ("64859006", "Osteoporosis"), ("267036007", "Dyspnea"),
]

# Observations: (SNOMED code, display, UCUM unit, low, high, decimals)
OBSERVATIONS = [
    ("27113001", "Body weight", "kg", 58, 66, 1),
    ("364075005", "Heart rate", "/min", 62, 96, 0),
    ("86290005", "Respiratory rate", "/min", 14, 24, 0),
    ("431314004", "Peripheral oxygen saturation", "%", 89, 97, 0),
    ("703421000", "Temperature", "Cel", 36.1, 37.8, 1),
    ("999791000000106", "Haemoglobin A1c level - IFCC standardised", "mmol/mol", 48, 71, 0),
    ("1000661000000107", "Serum sodium level", "mmol/L", 132, 143, 0),
    ("1000651000000109", "Serum potassium level", "mmol/L", 3.6, 5.2, 1),
    ("1000731000000107", "Serum creatinine level", "umol/L", 78, 131, 0),
]


def check_digit(nine):
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    c = 11 - total % 11
    return None if c == 10 else (0 if c == 11 else c)


def valid_nhs(n):
    return len(n) == 10 and n.isdigit() and check_digit(n[:9]) == int(n[9])


class Record:
    def __init__(self, args):
        self.a = args
        self.today = dt.date.fromisoformat(args.today)
        self.rng = random.Random(args.nhs)
        self.entries = []
        self.n = 0

    def uuid(self):
        self.n += 1
        digest = (int(self.a.nhs) * 7919 + self.n) % (16 ** 12)
        return "urn:uuid:6d3a7f1e-%04x-4c2b-9e1d-%012x" % (self.n % 65536, digest)

    def add(self, resource, url=None, if_none_exist=None):
        full = self.uuid()
        req = {"method": "POST", "url": resource["resourceType"]}
        if if_none_exist:
            req["ifNoneExist"] = if_none_exist
        self.entries.append({"fullUrl": full, "resource": resource, "request": req})
        return full

    def day(self, days_ago):
        return (self.today - dt.timedelta(days=days_ago)).isoformat()

    def when(self, days_ago, hour=10):
        return self.day(days_ago) + "T%02d:%02d:00+00:00" % (hour, self.rng.randrange(0, 60))

    def build(self):
        a = self.a
        practice = self.add({"resourceType": "Organization", "identifier": [{"system": ODS, "value": a.gp}],
                             "name": a.gp_name, "telecom": [{"system": "phone", "value": "0113 496 0000", "use": "work"}],
                             "address": [{"line": ["Riverside Health Centre", "2 Mill Lane"], "city": "Leeds", "postalCode": "LS11 5QT"}]},
                            if_none_exist="identifier=%s|%s" % (ODS, a.gp))
        gp = self.add({"resourceType": "Practitioner", "identifier": [{"system": SDS_USER, "value": "G8123456"}],
                       "name": [{"family": "Okafor", "given": ["Amara"], "prefix": ["Dr"]}]},
                      if_none_exist="identifier=%s|G8123456" % SDS_USER)
        birth = self.today.replace(year=self.today.year - a.age) - dt.timedelta(days=40)
        patient = {"resourceType": "Patient",
                   "identifier": [{"extension": [{"url": "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus",
                                                  "valueCodeableConcept": {"coding": [{"system": "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland",
                                                                                       "code": "01", "display": "Number present and verified"}]}}],
                                   "system": NHS, "value": a.nhs}],
                   "name": [{"use": "official", "family": a.family, "given": [a.given], "prefix": ["Mrs"]}],
                   "gender": "female", "birthDate": birth.isoformat(),
                   "address": [{"use": "home", "line": ["14 Acacia Grove"], "city": "Leeds", "postalCode": "LS12 3HD"}],
                   "telecom": [{"system": "phone", "value": "0113 496 0731", "use": "home"}],
                   "contact": [{"relationship": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0131", "code": "C",
                                                              "display": "Emergency Contact"}], "text": "Daughter, main carer"}],
                                "name": {"family": "Bennett", "given": ["Carol"]},
                                "telecom": [{"system": "phone", "value": "07700 900461", "use": "mobile"}]}],
                   "generalPractitioner": [{"reference": practice, "identifier": {"system": ODS, "value": a.gp}, "display": a.gp_name},
                                           {"reference": gp, "display": "Dr Amara Okafor"}]}
        if a.sensitive:
            patient["meta"] = {"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}]}
        pat = self.add(patient, if_none_exist="identifier=%s|%s" % (NHS, a.nhs))
        self.pat = pat
        self.add({"resourceType": "RelatedPerson", "patient": {"reference": pat}, "active": True,
                  "relationship": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "DAU", "display": "daughter"}],
                                    "text": "Daughter and main carer"}],
                  "name": [{"family": "Bennett", "given": ["Carol"]}],
                  "telecom": [{"system": "phone", "value": "07700 900461", "use": "mobile"}]})
        self.add({"resourceType": "AllergyIntolerance",
                  "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
                  "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed"}]},
                  "category": ["medication"], "code": {"coding": [{"system": SCT, "code": "91936005", "display": "Allergy to penicillin"}]},
                  "patient": {"reference": pat}, "recordedDate": self.when(9000), "recorder": {"reference": gp},
                  "reaction": [{"manifestation": [{"coding": [{"system": SCT, "code": "271807003", "display": "Eruption of skin"}]}]}]})
        if a.dissent:
            self.add({"resourceType": "Consent", "status": "active",
                      "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]},
                      "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                      "patient": {"reference": pat}, "performer": [{"reference": pat}], "dateTime": self.day(60),
                      "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTOUT"}]},
                      "provision": {"type": "deny", "period": {"start": self.day(60)}}})
        meds, problems, observations, consultations = a.sizes
        encounters = [self.consultation(i, practice, gp) for i in range(consultations)]
        self.problem_refs = {}
        for code, display, key, ago in CORE_PROBLEMS:
            self.problem_refs[key] = self.condition(code, display, ago, "active", gp, encounters)
        for i in range(max(0, problems - len(CORE_PROBLEMS))):
            code, display = HISTORY_PROBLEMS[i % len(HISTORY_PROBLEMS)]
            self.condition(code, display, 200 + 311 * i, "resolved" if i % 3 else "inactive", gp, encounters)
        for i in range(meds):
            self.medication(i, gp, practice)
        for i in range(observations):
            self.observation(i, gp, encounters)
        return {"resourceType": "Bundle", "type": "transaction", "entry": self.entries}

    def consultation(self, i, practice, gp):
        ago = 7 if i == 0 else 20 + 45 * i
        hour = 9 + i % 8
        return self.add({"resourceType": "Encounter", "status": "finished",
                         "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory"},
                         "type": [{"coding": [{"system": SCT, "code": "11429006", "display": "Consultation"}]}],
                         "subject": {"reference": self.pat}, "participant": [{"individual": {"reference": gp}}],
                         "period": {"start": self.day(ago) + "T%02d:10:00+00:00" % hour, "end": self.day(ago) + "T%02d:25:00+00:00" % hour},
                         "serviceProvider": {"reference": practice}})

    def condition(self, code, display, ago, status, gp, encounters):
        c = {"resourceType": "Condition",
             "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": status}]},
             "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
             "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item"}]}],
             "code": {"coding": [{"system": SCT, "code": code, "display": display}]},
             "subject": {"reference": self.pat}, "onsetDateTime": self.day(ago), "recordedDate": self.when(ago), "asserter": {"reference": gp}}
        if status != "active":
            c["abatementDateTime"] = self.day(max(1, ago - 30))
        if ago == 7 and encounters:
            c["encounter"] = {"reference": encounters[0]}
        return self.add(c)

    def medication(self, i, gp, practice):
        code, name, dose, qty, unit, treats = MEDICINES[i % len(MEDICINES)]
        course = i // len(MEDICINES)  # earlier courses of the same medicine: ended
        acute = "for 5 days" in dose
        if i == 0:
            start = 7  # the diuretic, started last week
        else:
            start = (30 + 97 * i) if course or acute else 400 + 53 * i
        active = course == 0 and not acute and start < 3000
        issues = 1 if acute else (min(6, max(1, start // 28)) if active else 3)
        med = self.add({"resourceType": "Medication", "code": {"coding": [{"system": SCT, "code": code, "display": name}]}})
        plan = {"resourceType": "MedicationRequest", "status": "active" if active else "completed", "intent": "plan",
                "medicationReference": {"reference": med, "display": name}, "subject": {"reference": self.pat},
                "authoredOn": self.day(start), "requester": {"reference": gp},
                "courseOfTherapyType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy",
                                                    "code": "acute" if acute else "continuous"}]},
                "dosageInstruction": [{"text": dose}],
                "dispenseRequest": {"validityPeriod": {"start": self.day(start)},
                                    "quantity": {"value": qty, "unit": unit},
                                    "numberOfRepeatsAllowed": 0 if acute else 12}}
        if treats and treats in self.problem_refs:
            plan["reasonReference"] = [{"reference": self.problem_refs[treats]}]
        if not active:
            plan["dispenseRequest"]["validityPeriod"]["end"] = self.day(max(1, start - 28 * issues))
        plan_ref = self.add(plan)
        for k in range(issues):
            ago = max(0, start - 28 * k)
            self.add({"resourceType": "MedicationRequest", "status": "completed", "intent": "order",
                      "basedOn": [{"reference": plan_ref}], "medicationReference": {"reference": med, "display": name},
                      "subject": {"reference": self.pat}, "authoredOn": self.day(ago), "requester": {"reference": gp},
                      "dosageInstruction": [{"text": dose}],
                      "dispenseRequest": {"validityPeriod": {"start": self.day(ago)}, "quantity": {"value": qty, "unit": unit},
                                          "performer": {"reference": practice}}})
        st = {"resourceType": "MedicationStatement", "status": "active" if active else "completed",
              "basedOn": [{"reference": plan_ref}], "medicationReference": {"reference": med, "display": name},
              "subject": {"reference": self.pat}, "effectivePeriod": {"start": self.day(start)}, "dateAsserted": self.when(start),
              "informationSource": {"reference": gp}, "dosage": [{"text": dose}]}
        if not active:
            st["effectivePeriod"]["end"] = plan["dispenseRequest"]["validityPeriod"]["end"]
        self.add(st)

    def observation(self, i, gp, encounters):
        enc = encounters[i % len(encounters)] if encounters else None
        ago = 7 + 23 * i
        obs = {"resourceType": "Observation", "status": "final", "subject": {"reference": self.pat},
               "effectiveDateTime": self.when(ago), "performer": [{"reference": gp}]}
        if enc:
            obs["encounter"] = {"reference": enc}
        kind = i % (len(OBSERVATIONS) + 1)
        if kind == len(OBSERVATIONS):
            obs["category"] = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}]
            obs["code"] = {"coding": [{"system": SCT, "code": "75367002", "display": "Blood pressure"}]}
            obs["component"] = [self.component("271649006", "Systolic blood pressure", 128, 168),
                                self.component("271650006", "Diastolic blood pressure", 68, 94)]
        else:
            code, display, ucum, lo, hi, dec = OBSERVATIONS[kind]
            value = round(self.rng.uniform(lo, hi), dec)
            obs["category"] = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                            "code": "laboratory" if code.startswith("1000") or code.startswith("9997") else "vital-signs"}]}]
            obs["code"] = {"coding": [{"system": SCT, "code": code, "display": display}]}
            obs["valueQuantity"] = {"value": value if dec else int(value), "unit": ucum, "system": "http://unitsofmeasure.org", "code": ucum}
        self.add(obs)

    def component(self, code, display, lo, hi):
        return {"code": {"coding": [{"system": SCT, "code": code, "display": display}]},
                "valueQuantity": {"value": self.rng.randrange(lo, hi), "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nhs")
    p.add_argument("--family", default="Whitfield")
    p.add_argument("--given", default="Edith")
    p.add_argument("--age", type=int, default=85)
    p.add_argument("--gp", default="A81001")
    p.add_argument("--gp-name", default="Riverside Surgery")
    p.add_argument("--today", default=dt.date.today().isoformat())
    p.add_argument("--sizes", default="8,6,12,4", help="medications,problems,observations,consultations (bench: 50,30,200,40)")
    p.add_argument("--dissent", action="store_true", help="she has dissented from sharing (a Consent deny)")
    p.add_argument("--sensitive", action="store_true", help="a restricted record (meta.security R)")
    p.add_argument("--check-nhs")
    p.add_argument("--make-nhs")
    a = p.parse_args()
    if a.check_nhs:
        sys.exit(0 if valid_nhs(a.check_nhs) else 1)
    if a.make_nhs:
        c = check_digit(a.make_nhs)
        if len(a.make_nhs) != 9 or c is None:
            sys.exit(1)
        print(a.make_nhs + str(c))
        return
    if not a.nhs or not valid_nhs(a.nhs):
        p.error("--nhs must be a valid NHS number (10 digits, mod 11 check digit)")
    a.sizes = [int(x) for x in a.sizes.split(",")]
    if len(a.sizes) != 4 or a.sizes[0] < 1 or a.sizes[3] < 1:
        p.error("--sizes is medications,problems,observations,consultations, at least one medication and one consultation")
    json.dump(Record(a).build(), sys.stdout, separators=(",", ":"))
    print()


if __name__ == "__main__":
    main()
