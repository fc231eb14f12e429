#!/bin/sh
# Rebuilds ../echarts.min.js from the npm registry: ECharts 6.1.0 (with
# zrender 6.1.0 and tslib 2.3.0, which it pins) reduced by esbuild 0.25.0
# to the charts and components entry.js names (line, scatter, bar,
# parallel coordinates; title, tooltip, legend, grid, zoom, visual map),
# 650 kB instead of the full build's 1.1 MB, so that pages open faster.
# Run it from this folder; it needs node and npm, and writes nothing but
# node_modules/ (not committed) and ../echarts.min.js.
set -eu
npm install --no-audit --no-fund --no-save echarts@6.1.0 esbuild@0.25.0
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --target=es2018 --outfile=../echarts.min.js
cp node_modules/echarts/LICENSE ../ECHARTS_LICENSE
cp node_modules/echarts/NOTICE ../ECHARTS_NOTICE
cp node_modules/zrender/LICENSE ../ZRENDER_LICENSE
cp node_modules/tslib/LICENSE.txt ../TSLIB_LICENSE
