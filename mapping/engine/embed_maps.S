/* Embeds the HL7 v2 -> FHIR maps as NUL-terminated read-only data. */
    .section .rodata
    .global hw_map_segments_json
hw_map_segments_json:
    .incbin "segments.json"
    .byte 0
    .global hw_map_messages_json
hw_map_messages_json:
    .incbin "messages.json"
    .byte 0
    .global hw_map_tables_json
hw_map_tables_json:
    .incbin "tables.json"
    .byte 0
    .section .note.GNU-stack,"",@progbits
