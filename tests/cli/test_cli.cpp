// The hidewire command as a user runs it: exit codes, messages, outputs.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/fhir/canonical.hpp"
#include "tests/fhir/test_support.hpp"

namespace {

struct Run {
  int code = -1;
  std::string out;  // stdout and stderr together
};

Run run(const std::string& args) {
  Run r;
  std::string cmd = std::string(HIDEWIRE_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string temp_file(const std::string& name, const std::string& content) {
  auto dir = std::filesystem::temp_directory_path() / ("hidewire-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

const std::string kExamples = hw_test::data_path("fhir-r4-examples");

}  // namespace

TEST_CASE("validate: valid files exit 0") {
  Run r = run("validate " + kExamples + "/patient-example.json " + kExamples + "/patient-example.xml");
  CHECK_MESSAGE(r.code == 0, r.out);
  CHECK(r.out.find("patient-example.json: valid (0 errors") != std::string::npos);
  CHECK(r.out.find("patient-example.xml: valid (0 errors") != std::string::npos);
}

TEST_CASE("validate: invalid content exits 1 and names the problem") {
  std::string f = temp_file("bad-patient.json",
                            R"({"resourceType":"Patient","birthDate":"1974-02-30","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765918"}]})");
  Run r = run("validate " + f);
  CHECK(r.code == 1);
  CHECK_MESSAGE(r.out.find("INVALID") != std::string::npos, r.out);
  CHECK_MESSAGE(r.out.find("error Patient.birthDate: not a valid date") != std::string::npos, r.out);
  CHECK_MESSAGE(r.out.find("Patient.identifier[0].value") != std::string::npos, r.out);
  CHECK_MESSAGE(r.out.find("[nhs-number]") != std::string::npos, r.out);
  Run j = run("validate --format json " + f);
  CHECK(j.code == 1);
  CHECK(j.out.find("\"resourceType\": \"OperationOutcome\"") != std::string::npos);
  CHECK(j.out.find("\"expression\"") != std::string::npos);
}

TEST_CASE("validate: unreadable input exits 3 with a message") {
  Run missing = run("validate /nonexistent/file.json");
  CHECK(missing.code == 3);
  CHECK(missing.out.find("No such file or directory") != std::string::npos);
  Run broken = run("validate " + temp_file("broken.json", "{\"resourceType\": \"Patient\", }"));
  CHECK(broken.code == 3);
  CHECK_MESSAGE(broken.out.find("invalid JSON") != std::string::npos, broken.out);
  Run unknown = run("validate " + temp_file("unknown.xml", "<Patinet xmlns=\"http://hl7.org/fhir\"/>"));
  CHECK(unknown.code == 3);
  CHECK(unknown.out.find("unknown resourceType 'Patinet'") != std::string::npos);
  Run big = run("validate --max-bytes 1k " + kExamples + "/patient-example.json");
  CHECK(big.code == 3);
  CHECK(big.out.find("over the size limit of 1024 bytes") != std::string::npos);
}

TEST_CASE("validate: worst result wins across files") {
  Run r = run("validate " + kExamples + "/patient-example.json /nonexistent.json");
  CHECK(r.code == 3);
}

TEST_CASE("convert: JSON to XML and back") {
  std::string out_xml = temp_file("out.xml", "");
  Run x = run("convert --to xml -o " + out_xml + " " + kExamples + "/observation-example.json");
  CHECK_MESSAGE(x.code == 0, x.out);
  std::string xml = hw_test::read_file(out_xml);
  CHECK(xml.find("<Observation xmlns=\"http://hl7.org/fhir\">") != std::string::npos);
  Run j = run("convert --to json " + out_xml);
  CHECK_MESSAGE(j.code == 0, j.out);
  CHECK(hw_test::canonical_json(j.out) == hw_test::canonical_json(hw_test::read_file(kExamples + "/observation-example.json")));
  Run pretty = run("convert --to json --pretty " + kExamples + "/patient-example.xml");
  CHECK(pretty.code == 0);
  CHECK(pretty.out.find("\n  \"resourceType\": \"Patient\"") != std::string::npos);
}

TEST_CASE("convert: reads standard input") {
  Run r = run("convert --to xml - < " + kExamples + "/patient-example.json");
  CHECK(r.code == 0);
  CHECK(r.out.find("<Patient xmlns=\"http://hl7.org/fhir\">") != std::string::npos);
}

TEST_CASE("convert: refuses structurally broken input and bad usage") {
  Run r = run("convert --to xml " + temp_file("arr.json", R"({"resourceType":"Patient","gender":["male"]})"));
  CHECK(r.code == 1);
  CHECK_MESSAGE(r.out.find("not converted") != std::string::npos, r.out);
  CHECK(r.out.find("OperationOutcome") != std::string::npos);
  Run deep = run("convert --to xml --max-depth 5 " + kExamples + "/questionnaire-example.json");
  CHECK(deep.code == 3);
  CHECK(deep.out.find("deeper than the limit of 5") != std::string::npos);
  CHECK(run("convert " + kExamples + "/patient-example.json").code == 2);
  CHECK(run("convert --to yaml " + kExamples + "/patient-example.json").code == 2);
  CHECK(run("frobnicate").code == 2);
  CHECK(run("validate").code == 2);
}

TEST_CASE("convert --from fhir-stu3: a GP Connect structured record to a valid R4 Bundle, what was not carried listed") {
  std::string record = hw_test::data_path("gpconnect-records/hargreaves_ten_years.json");
  std::string out = temp_file("record-r4.json", "");
  Run r = run("convert --from fhir-stu3 --to json -o " + out + " " + record);
  CHECK_MESSAGE(r.code == 0, r.out);
  CHECK(r.out.find("unmapped: Bundle.entry[31](Medication).isBrand") != std::string::npos);
  CHECK(r.out.find("bundle error") == std::string::npos);
  std::string bundle = hw_test::read_file(out);
  CHECK(bundle.find(R"("resourceType":"ServiceRequest")") != std::string::npos);
  CHECK(bundle.find("ReferralRequest") == std::string::npos);
  CHECK(run("convert --from stu3 --to xml " + record).code == 0);  // the issue's spelling
  Run skeleton = run("convert --from fhir-stu3 --to json " + hw_test::data_path("gpconnect/structured_skeleton_full_record.json"));
  CHECK(skeleton.code == 1);
  CHECK(skeleton.out.find("no Patient with an NHS number") != std::string::npos);
  CHECK(run("convert --from fhir-stu3 --to json " + temp_file("v2.txt", "MSH|^~\\&|")).code == 3);
}

TEST_CASE("convert --from hl7v2: a batch file gives a collection of one transaction Bundle per message") {
  Run r = run("convert --from hl7v2 --to json " + hw_test::data_path("hl7v2-corpus/batch-files/lab_overnight_fhs_bhs.hl7"));
  CHECK_MESSAGE(r.code == 0, r.out);
  CHECK(r.out.find(R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:)") != std::string::npos);
  CHECK(r.out.find(R"("resource":{"resourceType":"Bundle","type":"transaction")") != std::string::npos);
  CHECK(r.out.find("LIMSB0000103") != std::string::npos);  // the third message's control id, in its Provenance
  // one message that does not convert fails the whole file, naming it
  std::string text = hw_test::read_file(hw_test::data_path("hl7v2-corpus/batch-files/lab_overnight_fhs_bhs.hl7"));
  text.replace(text.find("9432015238"), 10, "9432015239");  // fails Modulus 11
  Run bad = run("convert --from hl7v2 --to json " + temp_file("batch.hl7", text));
  CHECK(bad.code == 1);
  CHECK_MESSAGE(bad.out.find("batch.hl7 message 2: not converted") != std::string::npos, bad.out);
}

TEST_CASE("run: TLS files that cannot be used stop the node at start, named by their JSON path") {
  std::string base = R"({"node": {"name": "t", "ods_code": "RR8", "data_dir": ")" + temp_file("tls-data-dir-marker", "") +
                     R"(.d"}, "development": {"allow_anonymous": true}, "admin": {"listen": "127.0.0.1:0"}, "destinations": [{"name": "store", "type": "fhir-store"}],
     "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
     "unmatched": {"destinations": ["store"]}, "api": {"listen": "127.0.0.1:0", "tls": )";
  Run missing = run("run --config " + temp_file("tls-missing.json", base + R"({"cert": "/nonexistent/node.crt", "key": "/nonexistent/node.key"}}})"));
  CHECK(missing.code == 3);
  CHECK_MESSAGE(missing.out.find("$.api.tls.cert: cannot read /nonexistent/node.crt") != std::string::npos, missing.out);
  CHECK(missing.out.find("$.api.tls.key: cannot read /nonexistent/node.key") != std::string::npos);
  std::string bad = temp_file("not-a-cert.pem", "not a certificate\n");
  Run garbage = run("run --config " + temp_file("tls-garbage.json", base + R"({"cert": ")" + bad + R"(", "key": ")" + bad + R"("}}})"));
  CHECK(garbage.code == 3);
  CHECK_MESSAGE(garbage.out.find("TLS certificate " + bad) != std::string::npos, garbage.out);
  CHECK(garbage.out.find("not usable PEM") != std::string::npos);
}

TEST_CASE("convert --from ambulance: an ePR report to a valid Bundle, unmapped items listed; a refused one exits 1 with why") {
  Run ok = run("convert --from ambulance --to json " + hw_test::data_path("ambulance/clinix_sepsis_news7.json"));
  CHECK_MESSAGE(ok.code == 0, ok.out);
  CHECK(ok.out.find("unmapped: patient/religion") != std::string::npos);
  CHECK(ok.out.find("\"code\":\"1104051000000101\"") != std::string::npos);
  CHECK(ok.out.find("bundle error") == std::string::npos);
  Run bad = run("convert --from ambulance --to json " + hw_test::data_path("ambulance/medaxis_bad_values.xml"));
  CHECK(bad.code == 1);
  CHECK_MESSAGE(bad.out.find("error VitalSigns/Set[1]/HR: pulse 'fast' is not a number") != std::string::npos, bad.out);
  CHECK(run("convert --from ambulance " + hw_test::data_path("ambulance/clinix_truncated.json")).code == 3);
}

TEST_CASE("convert --from cda: an NHS 111 PEM to a valid Bundle, warnings and unmapped elements listed; unreadable exits 3, refused 1") {
  Run ok = run("convert --from cda --to json " + hw_test::data_path("cda/pem_unknown_templates.xml"));
  CHECK_MESSAGE(ok.code == 0, ok.out);
  CHECK(ok.out.find("\"resourceType\":\"Composition\"") != std::string::npos);
  CHECK(ok.out.find("unmapped: ClinicalDocument/participant") != std::string::npos);
  CHECK(ok.out.find("section template 'COCD_TP999901GB01' is not in the CDA map") != std::string::npos);
  Run xml = run("convert --from cda --to xml " + hw_test::data_path("cda/pem_dx05_gp_2h_envelope.xml"));
  CHECK_MESSAGE(xml.code == 0, xml.out);
  CHECK(xml.out.find("<Composition>") != std::string::npos);
  Run bad = run("convert --from cda " + hw_test::data_path("cda/pem_bad_nhs_number.xml"));
  CHECK(bad.code == 1);
  CHECK_MESSAGE(bad.out.find("NHS number '4126339206'") != std::string::npos, bad.out);
  CHECK(run("convert --from cda " + hw_test::data_path("cda/pem_malformed.xml")).code == 3);
  Run doc = run("convert --from cda --document --to json " + hw_test::data_path("cda/pem_dx02_ed_coded.xml"));
  CHECK_MESSAGE(doc.code == 0, doc.out);
  CHECK(doc.out.find("\"type\":\"document\"") != std::string::npos);
  CHECK(doc.out.find("\"request\"") == std::string::npos);
  CHECK(doc.out.find("bundle error") == std::string::npos);
  CHECK(run("convert --from ambulance --document " + hw_test::data_path("ambulance/clinix_sepsis_news7.json")).code == 2);
}
