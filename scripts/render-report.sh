#!/usr/bin/env bash
# render-report.sh — write the sample supervision report (Huyện Vũ Thư, 2026)
# as HTML, CSV, XLSX and JSON, and render the printable HTML with headless
# Chromium to a PNG (the first A4 page, at 150 dpi) and a PDF.
#
# Usage: scripts/render-report.sh [out-dir] [draft|final]
#   out-dir defaults to artifacts/report-sample (git-ignored).
#
# Needs Go; the rendering needs chromium (Debian: apt-get install chromium
# fonts-noto-core). Without it, only the files are written. When pdftoppm
# (poppler-utils) is there, every PDF page is also rasterised to PNG.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
default_out="$root/artifacts/report-sample"
out="${1:-$default_out}"
status="${2:-draft}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

cd "$root"
echo "== writing the sample report to $out"
go run ./scripts/sample-report -out "$out" -status "$status"

chrome="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$chrome" ]]; then
	echo "chromium not found: skipping the PNG and PDF (apt-get install chromium fonts-noto-core)" >&2
	exit 0
fi

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chrome_flags=(
	--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--hide-scrollbars --user-data-dir="$profile"
)

render() { # render <html> <png> <pdf>
	local html="$1" png="$2" pdf="$3"
	# The page is 210 mm = 794 CSS px wide; a device scale of 1.5625 makes
	# the screenshot 1240×1754, one A4 page at 150 dpi.
	"$chrome" "${chrome_flags[@]}" --force-device-scale-factor=1.5625 --window-size=794,1123 \
		--screenshot="$png" "file://$html" >/dev/null 2>&1
	"$chrome" "${chrome_flags[@]}" --no-pdf-header-footer --print-to-pdf="$pdf" \
		"file://$html" >/dev/null 2>&1
}

echo "== rendering with $("$chrome" --version 2>/dev/null || echo "$chrome")"
render "$out/report.html" "$out/report.png" "$out/report.pdf"
render "$out/report.en.html" "$out/report.en.png" "$out/report.en.pdf"

rm -f "$out"/report-page-*.png "$out"/report.en-page-*.png
if command -v pdftoppm >/dev/null; then
	pdftoppm -r 100 -png "$out/report.pdf" "$out/report-page"
	pdftoppm -r 100 -png "$out/report.en.pdf" "$out/report.en-page"
fi

png="$out/report.png"
if [[ "$out" == "$default_out" ]]; then
	# The sample everyone looks at: artifacts/ is git-ignored.
	cp "$out/report.png" "$root/artifacts/report-sample.png"
	png="$root/artifacts/report-sample.png"
fi

echo "== files"
ls -l "$out"
echo "sample PNG (first page, vi): $png"
echo "printable PDF (vi):          $out/report.pdf"
echo "PDF pages as PNG:            $out/report-page-*.png"
