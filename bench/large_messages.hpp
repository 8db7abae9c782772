// Large HL7 v2 messages for the scaling benchmark and tests: a cumulative ORU^R01 with `obx`
// results under one order, and an ADT^A01 whose PID-3 repeats `ids` local identifiers after the
// NHS number. The same text as bench/make_large_v2.py writes.
#pragma once

#include <string>

inline std::string large_oru(int obx) {
  std::string m =
      "MSH|^~\\&|WINPATH|RR8|HIDEWIRE|LTHT|20261124141500||ORU^R01^ORU_R01|LAB-BIG-" + std::to_string(obx) +
      "|P|2.5.1\r"
      "PID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN||19410302|F\r"
      "PV1|1|I|RR8W07^Bed 12^Ward 7^RR8\r"
      "ORC|RE|ORD-9001|LAB-9001\r"
      "OBR|1|ORD-9001|LAB-9001|CUM^Cumulative results^LOCAL|||20261124100000|||||||||C1234567^Patel^Anita^^^Dr||||||"
      "20261124141000|||F\r";
  for (int i = 1; i <= obx; ++i)
    m += "OBX|" + std::to_string(i) + "|NM|22664-7^Potassium^LN||" + std::to_string(3 + i % 3) + "." +
         std::to_string(i % 10) + "|mmol/L|3.5-5.3|N|||F|||20261124100000\r";
  return m;
}

inline std::string large_adt(int ids) {
  std::string pid3 = "9434765919^^^NHS^NH";
  for (int i = 1; i <= ids; ++i) pid3 += "~RR8" + std::to_string(1000000 + i) + "^^^RR8^MR";
  return "MSH|^~\\&|PAS|RR8|HIDEWIRE|LTHT|20261125090000||ADT^A01^ADT_A01|PAS-BIG-" + std::to_string(ids) +
         "|P|2.5.1\r"
         "EVN|A01|20261125090000\r"
         "PID|1||" + pid3 + "||SMITH^MARGARET^ANN||19410302|F\r"
         "PV1|1|I|RR8W07^Bed 12^Ward 7^RR8\r";
}
