/* Embeds the ambulance ePR maps (mapping/ambulance) as NUL-terminated read-only data. */
    .section .rodata
    .global hw_amb_codes_json
hw_amb_codes_json:
    .incbin "fhir_codes.json"
    .byte 0
    .global hw_amb_vendor_clinix_json
hw_amb_vendor_clinix_json:
    .incbin "vendor_clinix_json.json"
    .byte 0
    .global hw_amb_vendor_medaxis_xml
hw_amb_vendor_medaxis_xml:
    .incbin "vendor_medaxis_xml.json"
    .byte 0
    .section .note.GNU-stack,"",@progbits
