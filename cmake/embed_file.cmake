# Turns a data file into a C source defining `const char NAME[]` (NUL-terminated) and
# `const size_t NAME_len`, so the library carries the file and needs nothing at run time.
# Usage: cmake -DINPUT=in -DOUTPUT=out.c -DNAME=symbol -DHEADER=private/header.h -P embed_file.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR byte_len "${hex_len} / 2")
# 16 bytes per line keeps the generated file readable in a debugger.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
     "/* Generated from ${INPUT} by cmake/embed_file.cmake; do not edit. */\n"
     "#include \"${HEADER}\"\n\n"
     "const char ${NAME}[] = {\n    ${bytes}0x00};\n"
     "const size_t ${NAME}_len = ${byte_len};\n")
# Only touch the output when it changed, so unrelated edits do not rebuild the library.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
