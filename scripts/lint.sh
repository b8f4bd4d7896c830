#!/usr/bin/env bash
# `make lint`, and the lint phase of `make test`: static checks that need no build (seconds).
#
#   1. swift format lint --strict with .swift-format, on Sources, Tests and Package.swift:
#      every rule enabled there (each one the code satisfies today). The pretty printer's
#      layout findings (indentation, line breaks, spacing, trailing commas) are left out:
#      the code aligns continuation lines under an opening parenthesis, which swift-format
#      cannot produce, so no configuration passes them (`make fmt` would rewrite about
#      4,100 lines of 164 files).
#   2. Text checks on every Swift file in Sources, Tests and Package.swift: no tab and no
#      trailing whitespace (outside multi-line string literals, where they are content);
#      and no file in Sources longer than 900 lines, except the streaming parsers
#      (JSONRecordReader.swift, XMLRecordReader.swift).
#   3. bash -n on the shell scripts (scripts/*.sh, .ci/run).
#
# Prints each problem as FILE[:LINE]: message; exits 1 if there was any, 2 if swift format
# is missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly SWIFT_PATHS=(Sources Tests Package.swift)
readonly MAX_FILE_LINES=900
readonly LONG_FILES_ALLOWED=(
    Sources/OnrampDomain/Import/JSONRecordReader.swift
    Sources/OnrampDomain/Import/XMLRecordReader.swift
)
# The pretty printer's finding categories (swift-format's WhitespaceLinter).
readonly LAYOUT_CATEGORIES='Indentation|AddLines|RemoveLine|Spacing|TrailingComma|TrailingWhitespace|LineLength'

failed=0
fail() {
    printf '%s\n' "$@" >&2
    failed=1
}

# --- 1. swift format lint ----------------------------------------------------------
if ! swift format --version >/dev/null 2>&1; then
    echo "lint: 'swift format' is not available (it comes with the Swift 6 toolchain)" >&2
    exit 2
fi
echo "lint: swift format lint (.swift-format rules, $(swift format --version))"
format_lint=(swift format lint --strict --parallel --configuration .swift-format --recursive)
# --debug-disable-pretty-print (hidden, in swift-format 6) skips the layout findings and
# their cost; a swift-format without it gets them filtered out of its output instead.
if swift format lint --debug-disable-pretty-print - </dev/null >/dev/null 2>&1; then
    if ! out=$("${format_lint[@]}" --debug-disable-pretty-print "${SWIFT_PATHS[@]}" 2>&1); then
        fail "$out" "lint: swift format lint found the problems above (rules: .swift-format)"
    fi
else
    out=$("${format_lint[@]}" "${SWIFT_PATHS[@]}" 2>&1 || true)
    out=$(grep -Ev "\[($LAYOUT_CATEGORIES)\]" <<<"$out" || true)
    if [[ -n $out ]]; then
        fail "$out" "lint: swift format lint found the problems above (rules: .swift-format)"
    fi
fi

# --- 2. text checks ------------------------------------------------------------------
echo "lint: tabs, trailing whitespace, file length"
mapfile -t swift_files < <(find "${SWIFT_PATHS[@]}" -name '*.swift' -type f | LC_ALL=C sort)
# A line is inside a multi-line string literal when an odd number of `"""` came before it
# in the file; such lines are the literal's content and are not checked.
if ! out=$(awk '
    FNR == 1 { literal = 0 }
    {
        if (!literal) {
            if (index($0, "\t")) print FILENAME ":" FNR ": tab character"
            if ($0 ~ /[ \t]$/) print FILENAME ":" FNR ": trailing whitespace"
        }
        if (gsub(/"""/, "&") % 2) literal = !literal
    }
' "${swift_files[@]}") || [[ -n $out ]]; then
    fail "$out"
fi
for file in "${swift_files[@]}"; do
    [[ $file == Sources/* ]] || continue
    [[ " ${LONG_FILES_ALLOWED[*]} " == *" $file "* ]] && continue
    lines=$(wc -l <"$file")
    if ((lines > MAX_FILE_LINES)); then
        fail "$file: $lines lines, over the limit of $MAX_FILE_LINES (split it)"
    fi
done

# --- 3. shell scripts ------------------------------------------------------------------
echo "lint: bash -n scripts/*.sh .ci/run"
for script in scripts/*.sh .ci/run; do
    bash -n "$script" || fail "$script: bash -n failed"
done

if ((failed)); then
    echo "lint: FAILED" >&2
    exit 1
fi
echo "lint: ok (${#swift_files[@]} Swift files)"
