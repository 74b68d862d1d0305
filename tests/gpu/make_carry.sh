#!/usr/bin/env bash
# Fills .carry/ (ignored by git) on the development machine with what the GPU-machine runs need beside the working
# tree: the -dev headers the GPU machine lacks (.carry/include), the real model configurations the benchmarks use
# (.carry/configs) and two fixture reports' text (.carry/text). Pass the folders as the device tool's carry. Needs
# packaging/setup-deps.sh to have run.
# nlohmann-json is not carried: the GPU machine has its own (a newer version, whose ABI tag differs, so carried
# headers would shadow it for some targets only and the link would fail).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$root/.carry/include" "$root/.carry/configs"
cp -r /usr/include/lzma "$root/.carry/include/"
cp /usr/include/sqlite3.h /usr/include/sqlite3ext.h /usr/include/pcre2.h /usr/include/zlib.h /usr/include/zconf.h \
    /usr/include/lzma.h "$root/.carry/include/"
cp "$root/../shared/fixtures/configs/"*.json "$root/.carry/configs/"
# Two fixture reports' text (pdftotext), for runs that compare or calibrate on a real 10-K (run_awq_decode.sh).
mkdir -p "$root/.carry/text"
for report in 3M_2022_10K AMCOR_2023_10K; do
    pdftotext "$root/../shared/fixtures/reports/$report.pdf" "$root/.carry/text/$report.txt"
done
du -sh "$root/.carry"
