#!/usr/bin/env bash
# Official reports through real office software, on the demo province:
#   crates/report/tests/office.sh <chiso-binary>
# - LibreOffice converts our DOCX and XLSX to PDF without error;
# - pdftotext of our own PDF (and of the converted ones) finds the Vietnamese
#   headings with their diacritics intact;
# - page 1 of every PDF is rendered to PNG under target/report-pages/ for a
#   person to look at.
# Prints "N passed, M failed" last; exits non-zero on any failure.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 <chiso-binary>" >&2
    exit 2
fi
chiso="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
pages="$root/target/report-pages"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { # check NAME COMMAND...
    local name="$1"; shift
    if "$@" >"$work/last.log" 2>&1; then pass "$name"; else fail "$name"; sed 's/^/     /' "$work/last.log" | tail -20; fi
}

# Tools: LibreOffice (Writer, Calc), poppler, the Liberation fonts.
if ! command -v libreoffice >/dev/null || ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null \
    || [ ! -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ]; then
    echo "== installing libreoffice-writer libreoffice-calc poppler-utils fonts-liberation2"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >"$work/apt.log" 2>&1 \
        && apt-get install -y -qq --no-install-recommends libreoffice-writer libreoffice-calc poppler-utils fonts-liberation2 \
            >>"$work/apt.log" 2>&1 \
        || { tail -20 "$work/apt.log"; echo "0 passed, 1 failed"; exit 1; }
fi

echo "== demo database"
if ! "$chiso" --db "$work/demo.db" demo --dossiers 30000 >"$work/demo.log" 2>&1; then
    tail -20 "$work/demo.log"
    echo "0 passed, 1 failed"
    exit 1
fi
period="$(grep -o -- '--period [0-9]\{4\}-[0-9]\{2\}' "$work/demo.log" | head -1 | cut -d' ' -f2)"
period="${period:-2026-10}"
echo "period $period"

echo "== reports"
options=(--period "$period" --number 4153/VPUB-KSTT --date "$(date +%Y-%m-%d)")
for format in md csv docx xlsx pdf; do
    check "report --format $format" "$chiso" --db "$work/demo.db" report "${options[@]}" --format "$format" --out "$work/report.$format"
done
check "report --appendix ranking --kind department (pdf)" \
    "$chiso" --db "$work/demo.db" report "${options[@]}" --appendix ranking --kind department --out "$work/ranking.pdf"

echo "== LibreOffice converts DOCX and XLSX to PDF"
mkdir -p "$work/lo"
for format in docx xlsx; do
    check "libreoffice $format -> pdf" bash -c \
        "timeout 300 libreoffice --headless -env:UserInstallation=file://$work/lo-profile --convert-to pdf --outdir '$work/lo' '$work/report.$format' \
         && test -s '$work/lo/report.pdf' && mv '$work/lo/report.pdf' '$work/lo/report-$format.pdf'"
done

echo "== Vietnamese headings in the PDFs"
contains() { # contains PDF TEXT
    pdftotext -enc UTF-8 "$1" - | tr -s ' \n' ' ' | grep -qF -- "$2"
}
for heading in "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" "Độc lập - Tự do - Hạnh phúc" "Số: 4153/VPUB-KSTT" "Kính gửi" \
    "Nơi nhận" "Phụ lục I" "Phụ lục V" "KẾT QUẢ CÁC NHÓM CHỈ SỐ" "XẾP HẠNG KẾT QUẢ BỘ CHỈ SỐ" \
    "MỘT SỐ TIÊU CHÍ THÀNH PHẦN" "KẾT QUẢ XỬ LÝ HỒ SƠ THỦ TỤC HÀNH CHÍNH" "Tổng số điểm của UBND" \
    "Một số lĩnh vực ở một số đơn vị đạt kết quả thấp như"; do
    check "our pdf: $heading" contains "$work/report.pdf" "$heading"
done
check "our pdf: fonts embedded" bash -c "pdffonts '$work/report.pdf' | awk 'NR > 2 && \$5 != \"yes\" { exit 1 }'"
for format in docx xlsx; do
    check "$format via LibreOffice: Phụ lục I" contains "$work/lo/report-$format.pdf" "Phụ lục I"
    check "$format via LibreOffice: XẾP HẠNG" contains "$work/lo/report-$format.pdf" "XẾP HẠNG"
done
check "ranking pdf: Sở, ban, ngành only" bash -c \
    "pdftotext '$work/ranking.pdf' - | grep -q 'Sở' && ! pdftotext '$work/ranking.pdf' - | grep -q 'UBND xã'"

echo "== page 1 of each PDF under target/report-pages/"
mkdir -p "$pages"
for pdf in "$work/report.pdf" "$work/ranking.pdf" "$work/lo/report-docx.pdf" "$work/lo/report-xlsx.pdf"; do
    name="$(basename "$pdf" .pdf)"
    check "pdftoppm $name" pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$pdf" "$pages/$name"
done
cp "$work/report.pdf" "$pages/report.pdf" 2>/dev/null || true
ls "$pages"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
