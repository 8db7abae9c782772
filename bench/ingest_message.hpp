// The ORU^R01 the ingest benchmarks send: message n has MSH-10 ING-n and its own order number,
// so every message is new to the journal and to the store.
#pragma once

#include <string>

inline std::string ingest_message(int n) {
  return "MSH|^~\\&|LAB|RR8|HIDEWIRE|LTHT|20261124100000||ORU^R01^ORU_R01|ING-" + std::to_string(n) +
         "|P|2.5.1\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET\rOBR|1|ORD-" + std::to_string(n) +
         "||U&E^Urea^LOCAL|||20261124100000||||||||||||||||||F\rOBX|1|NM|22664-7^Potassium^LN||4." + std::to_string(n % 10) +
         "|mmol/L|3.5-5.3|N|||F\r";
}
