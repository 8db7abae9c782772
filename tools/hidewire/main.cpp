// hidewire: FHIR R4 integration middleware command line.
#include <array>
#include <iostream>

#include "tools/hidewire/cli.hpp"

namespace {
using hidewire::cli::Command;

// Every subcommand, registered explicitly.
constexpr std::array kCommands = {
    Command{"run", "run this organisation's node from its configuration", "hidewire run --config FILE",
            hidewire::cli::run_node},
    Command{"replay", "send journalled messages through a running node again (dead letters after a fix)",
            "hidewire replay --admin HOST:PORT [--ca PEM [--cert PEM --key PEM]] [--token T|-|@FILE] (ID... | --status rejected|failed)", hidewire::cli::run_replay},
    Command{"match", "messages held at patient matching: list them, show one with its candidates, resolve one (admin role)",
            "hidewire match --admin HOST:PORT [--ca PEM [--cert PEM --key PEM]] [--token T|-|@FILE] (list | show ID | resolve ID (--nhs N | --new-patient | --reject))",
            hidewire::cli::run_match},
    Command{"token", "make and inspect tokens for tests and local systems: key pairs, signed JWTs, bearer secrets",
            "hidewire token keygen --alg ES256|RS256 --out PREFIX | make (--key PEM | --unsigned) --iss I --aud A [...] | inspect TOKEN|- [--key PEM] | secret",
            hidewire::cli::run_token},
    Command{"audit", "check the audit log (tamper-evident), prove entries to others, list who saw a patient's record",
            "hidewire audit verify --db FILE [--public-key PEM] | proof --db FILE (--entry SEQ [--size N] | --from M [--to N]) | "
            "check-proof --proof FILE --public-key PEM [--entry-file JSON] | who-saw --nhs N --db FILE [--format text|json]",
            hidewire::cli::run_audit},
    Command{"record", "ask this organisation's node for a patient's record from every node that holds one (federation)",
            "hidewire record --nhs N --purpose directcare|emergency --token T|-|@FILE [--url BASE] [--cacert PEM] [--cert PEM --key PEM] "
            "[--request-id ID] [--timeout MS]",
            hidewire::cli::run_record},
    Command{"conformance", "the meaningful-use conformance suite: run a pack's tests against a product, with JUnit, HTML and FHIR TestReport reports",
            "hidewire conformance list [--pack P] [--milestone M] | run --pack P --report DIR [--target mllp://H:P] [--target http(s)://BASE] "
            "[--ca PEM] [--cert PEM --key PEM] [--token T|-|@FILE] [--listen mllp://H:P|http://H:P] [--gpc-listen https://H:P ...] [--from-folder DIR] [--window S] [--ig DIR ...] "
            "| locality --config FILE --report DIR",
            hidewire::cli::run_conformance},
    Command{"validate", "validate FHIR R4 JSON or XML resources against the R4 definitions",
            "hidewire validate [--format text|json] [--no-bindings] [--no-invariants] [--max-bytes N] [--max-depth N] [--ig DIR|PACKAGE ...] [--profile URL ...] [--must-support] [--unknown-extensions information|warning|error] [--allow-example-urls] FILE...",
            hidewire::cli::run_validate},
    Command{"convert", "convert a FHIR R4 resource between JSON and XML",
            "hidewire convert [--from fhir|hl7v2|fhir-stu3|ambulance|cda [--document]|delimited|prsb-xml] [--map FILE] --to json|xml [--pretty] [-o OUT] [--max-bytes N] [--max-depth N] FILE",
            hidewire::cli::run_convert},
    Command{"fhirpath", "evaluate a FHIRPath expression against a resource",
            "hidewire fhirpath EXPRESSION FILE", hidewire::cli::run_fhirpath},
    Command{"listen", "receive HL7 v2 over MLLP: journal, convert to FHIR, acknowledge",
            "hidewire listen --mllp [HOST:]PORT --journal FILE [--channel NAME] [--tls-cert PEM --tls-key PEM]",
            hidewire::cli::run_listen},
    Command{"send", "send HL7 v2 files over MLLP and report each ACK",
            "hidewire send --mllp HOST:PORT [--tls [--ca PEM] [--insecure]] [--timeout MS] FILE...", hidewire::cli::run_send},
};

void usage(std::ostream& os) {
  os << "usage: hidewire COMMAND [ARGS]\n\ncommands:\n";
  for (const Command& c : kCommands) os << "  " << c.name << "\t" << c.summary << "\n    " << c.usage << "\n";
  os << "\nexit codes: 0 ok, 1 input has errors, 2 bad command line, 3 input unreadable\n";
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return hidewire::cli::kUsage;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(std::cout);
    return hidewire::cli::kOk;
  }
  hidewire::cli::Args args(argv + 2, argv + argc);
  for (const Command& c : kCommands) {
    if (c.name != name) continue;
    try {
      return c.run(args);
    } catch (const std::exception& e) {  // schema load failure or out of memory: say so, never abort silently
      std::cerr << "hidewire " << name << ": internal error: " << e.what() << "\n";
      return 70;
    }
  }
  std::cerr << "hidewire: unknown command '" << name << "'\n";
  usage(std::cerr);
  return hidewire::cli::kUsage;
}
