/* Embeds the FHIR STU3 -> R4 maps as NUL-terminated read-only data. */
    .section .rodata
    .global hw_stu3_resources_json
hw_stu3_resources_json:
    .incbin "resources.json"
    .byte 0
    .global hw_stu3_tables_json
hw_stu3_tables_json:
    .incbin "tables.json"
    .byte 0
    .global hw_stu3_extensions_json
hw_stu3_extensions_json:
    .incbin "extensions.json"
    .byte 0
    .section .note.GNU-stack,"",@progbits
