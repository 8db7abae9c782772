/* Embeds the conformance suite's requirements (conformance/requirements) as NUL-terminated read-only data. */
    .section .rodata
    .global hw_conformance_requirements_json
hw_conformance_requirements_json:
    .incbin "requirements.json"
    .byte 0
    .section .note.GNU-stack,"",@progbits
