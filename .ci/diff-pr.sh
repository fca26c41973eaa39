#!/usr/bin/env bash
# CI job for a pull request: how does it change each provider's contract, and does it break clients?
#
#   .ci/diff-pr.sh [BASE_REF]
#
# BASE_REF: the ref the pull request goes into (default: $ACCORD_DIFF_BASE, else the merge base
# with origin/main when that exists, else HEAD~1 — the previous commit of a one-commit change).
# The head is the checked-out work tree (the pull request). For every provider whose specs/<id>/
# changed since BASE_REF it runs `accord diff <id> --base BASE_REF --format markdown` and writes
# one Markdown report (the pull-request comment / job summary): $ACCORD_DIFF_OUT (default
# .accord/diff/pr.md), appended to $GITHUB_STEP_SUMMARY when set, and printed.
# Exit: 0 nothing breaks; 1 a change breaks clients (ACCORD_ALLOW_BREAKING=1 — the pull request is
# labelled as an intended breaking change — reports it and exits 0); 2 a usage or git error.
# ACCORD_DIFF_REPO diffs another work tree (default: this repository).
set -euo pipefail
accord_home="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "${ACCORD_DIFF_REPO:-$accord_home}" && git rev-parse --show-toplevel)"
base="${1:-${ACCORD_DIFF_BASE:-}}"
if [ -z "$base" ]; then
  if git -C "$repo" rev-parse --verify --quiet origin/main >/dev/null; then
    base="$(git -C "$repo" merge-base origin/main HEAD)"
  else
    base="HEAD~1"
  fi
fi
if ! git -C "$repo" rev-parse --verify --quiet "${base}^{commit}" >/dev/null; then
  echo "diff-pr: unknown base ref \"$base\"" >&2
  exit 2
fi
out="${ACCORD_DIFF_OUT:-$repo/.accord/diff/pr.md}"
mkdir -p "$(dirname "$out")"
: >"$out"
accord=(node "$accord_home/bin/accord.mjs")

{
  echo "## Contract changes since \`$base\` ($(git -C "$repo" rev-parse --short "$base"))"
  echo
} >>"$out"

breaking=0
checked=0
for spec in "$repo"/specs/*/openapi.yaml; do
  [ -e "$spec" ] || continue
  provider="$(basename "$(dirname "$spec")")"
  if ! git -C "$repo" cat-file -e "$base:specs/$provider/openapi.yaml" 2>/dev/null; then
    echo "- \`$provider\`: new contract (nothing to compare with)" >>"$out"
    continue
  fi
  if git -C "$repo" diff --quiet "$base" -- "specs/$provider" &&
    [ -z "$(git -C "$repo" ls-files --others --exclude-standard -- "specs/$provider")" ]; then
    echo "- \`$provider\`: unchanged" >>"$out"
    continue
  fi
  checked=$((checked + 1))
  rc=0
  (cd "$repo" && "${accord[@]}" diff "$provider" --base "$base" --format markdown) >>"$out.part" || rc=$?
  case "$rc" in
    0) ;;
    1) breaking=$((breaking + 1)) ;;
    *) cat "$out.part" >>"$out" 2>/dev/null || true; rm -f "$out.part"; exit 2 ;;
  esac
  { echo; cat "$out.part"; } >>"$out"
  rm -f "$out.part"
done

echo >>"$out"
if [ "$breaking" -gt 0 ]; then
  if [ "${ACCORD_ALLOW_BREAKING:-0}" = "1" ]; then
    echo "**$breaking contract(s) with breaking changes — allowed (ACCORD_ALLOW_BREAKING=1).**" >>"$out"
  else
    echo "**$breaking contract(s) with breaking changes: bump the API version or label the pull request as breaking.**" >>"$out"
  fi
else
  echo "**No breaking change in $checked changed contract(s).**" >>"$out"
fi
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$out" >>"$GITHUB_STEP_SUMMARY"
cat "$out"
if [ "$breaking" -gt 0 ] && [ "${ACCORD_ALLOW_BREAKING:-0}" != "1" ]; then exit 1; fi
exit 0
