/* Embeds the social-care maps (mapping/social) as NUL-terminated read-only data. */
    .section .rodata
    .global hw_social_codes_json
hw_social_codes_json:
    .incbin "fhir_codes.json"
    .byte 0
    .global hw_social_liquidlogic_leeds
hw_social_liquidlogic_leeds:
    .incbin "liquidlogic_leeds.json"
    .byte 0
    .global hw_social_mosaic_kirklees
hw_social_mosaic_kirklees:
    .incbin "mosaic_kirklees.json"
    .byte 0
    .global hw_social_caredirector_calderdale
hw_social_caredirector_calderdale:
    .incbin "caredirector_calderdale.json"
    .byte 0
    .global hw_social_prsb_la_record
hw_social_prsb_la_record:
    .incbin "prsb_la_record.json"
    .byte 0
    .section .note.GNU-stack,"",@progbits
