/* Embeds the CDA map (mapping/cda) as NUL-terminated read-only data. */
    .section .rodata
    .global hw_cda_map_json
hw_cda_map_json:
    .incbin "cda_map.json"
    .byte 0
    .section .note.GNU-stack,"",@progbits
