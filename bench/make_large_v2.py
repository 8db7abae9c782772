#!/usr/bin/env python3
"""Writes large HL7 v2 messages for profiling `hidewire convert --from hl7v2`: the same text as
bench/large_messages.hpp.

Usage: bench/make_large_v2.py oru N [FILE]   an ORU^R01 with N OBX under one order
       bench/make_large_v2.py adt N [FILE]   an ADT^A01 whose PID-3 has N local identifiers
                                             after the NHS number
FILE defaults to standard output. Segments end with \\r, as on the wire.
"""
import sys


def large_oru(obx):
    m = ("MSH|^~\\&|WINPATH|RR8|HIDEWIRE|LTHT|20261124141500||ORU^R01^ORU_R01|LAB-BIG-%d|P|2.5.1\r" % obx +
         "PID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN||19410302|F\r"
         "PV1|1|I|RR8W07^Bed 12^Ward 7^RR8\r"
         "ORC|RE|ORD-9001|LAB-9001\r"
         "OBR|1|ORD-9001|LAB-9001|CUM^Cumulative results^LOCAL|||20261124100000|||||||||C1234567^Patel^Anita^^^Dr||||||"
         "20261124141000|||F\r")
    for i in range(1, obx + 1):
        m += "OBX|%d|NM|22664-7^Potassium^LN||%d.%d|mmol/L|3.5-5.3|N|||F|||20261124100000\r" % (i, 3 + i % 3, i % 10)
    return m


def large_adt(ids):
    pid3 = "9434765919^^^NHS^NH" + "".join("~RR8%d^^^RR8^MR" % (1000000 + i) for i in range(1, ids + 1))
    return ("MSH|^~\\&|PAS|RR8|HIDEWIRE|LTHT|20261125090000||ADT^A01^ADT_A01|PAS-BIG-%d|P|2.5.1\r" % ids +
            "EVN|A01|20261125090000\r"
            "PID|1||" + pid3 + "||SMITH^MARGARET^ANN||19410302|F\r"
            "PV1|1|I|RR8W07^Bed 12^Ward 7^RR8\r")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("oru", "adt"):
        sys.exit(__doc__)
    n = int(sys.argv[2])
    text = large_oru(n) if sys.argv[1] == "oru" else large_adt(n)
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
