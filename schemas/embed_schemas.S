/* Embeds the generated FHIR R4 schema JSON as read-only data, NUL-terminated. */
    .section .rodata
    .global hw_schema_structure_json
    .type hw_schema_structure_json, @object
    .balign 16
hw_schema_structure_json:
    .incbin "structure.json"
    .byte 0
    .global hw_schema_structure_json_end
hw_schema_structure_json_end:

    .global hw_schema_valuesets_json
    .type hw_schema_valuesets_json, @object
    .balign 16
hw_schema_valuesets_json:
    .incbin "valuesets.json"
    .byte 0
    .global hw_schema_valuesets_json_end
hw_schema_valuesets_json_end:
    .global hw_schema_extensions_json
    .type hw_schema_extensions_json, @object
    .balign 16
hw_schema_extensions_json:
    .incbin "extensions.json"
    .byte 0
    .global hw_schema_extensions_json_end
hw_schema_extensions_json_end:
    .global hw_schema_search_parameters_json
    .type hw_schema_search_parameters_json, @object
    .balign 16
hw_schema_search_parameters_json:
    .incbin "search-parameters.json"
    .byte 0
    .global hw_schema_search_parameters_json_end
hw_schema_search_parameters_json_end:

    .section .note.GNU-stack,"",@progbits
