#!/bin/sh
# Writes the spec units<N>.toml and its config units<N>_config.toml (config1 with n_units = N and
# k giving 50 winners, at most a quarter of the units) from template.toml. Run from this folder:
#
#   ./gen.sh N [grid starts max_evals [c phi lr_nn lr_attn k lr_clusters]]
#
# With the six start values the spec is units<N>_refine.toml instead: Nelder–Mead from there with
# a wider initial simplex; without them the search starts at the grid's best points.
set -eu
n=$1
grid=${2:-3} starts=${3:-3} evals=${4:-250}
kmin=$(awk -v n="$n" 'BEGIN { printf "%.6g", 2.5 / n }')
kmax=$(awk -v n="$n" 'BEGIN { k = 250 / n; if (k > 0.25) k = 0.25; printf "%.6g", k }')
nnmin=$(awk -v n="$n" 'BEGIN { printf "%.6g", 0.002 / n }')
nnmax=$(awk -v n="$n" 'BEGIN { printf "%.6g", 100 / n }')
wmax=$(awk -v n="$n" -v k="$kmax" 'BEGIN { printf "%d", n * k }')
k0=$(awk -v n="$n" 'BEGIN { k = 50 / n; if (k > 0.25) k = 0.25; printf "%.6g", k }')
set -- "$@" '' '' '' '' '' '' '' '' '' ''
sc= sphi= snn= sattn= sk= scl= file=units$n simplex=0.1
if [ -n "$5" ]; then
	sc="\nstart = $5" sphi="\nstart = $6" snn="\nstart = $7" sattn="\nstart = $8" sk="\nstart = $9"
	scl="\nstart = ${10}" file=units${n}_refine simplex=0.25
fi
sed -e "s/@N@/$n/g" -e "s/@FILE@/$file/g" -e "s/@SIMPLEX@/$simplex/" -e "s/@GRID@/$grid/" \
	-e "s/@NNMIN@/$nnmin/" -e "s/@NNMAX@/$nnmax/" -e "s/@STARTS@/$starts/" -e "s/@EVALS@/$evals/" \
	-e "s/@KMIN@/$kmin/" -e "s/@KMAX@/$kmax/" -e "s/@WMAX@/$wmax/" \
	-e "s/@START_c@/$sc/" -e "s/@START_phi@/$sphi/" -e "s/@START_lr_nn@/$snn/" \
	-e "s/@START_lr_attn@/$sattn/" -e "s/@START_k@/$sk/" -e "s/@START_lr_clusters@/$scl/" \
	template.toml >"$file.toml"
sed -e "s/^config_version = .*/config_version = \"nosof94_units$n\"/" -e "s/^n_units = .*/n_units = $n/" \
	-e "s/^k = .*/k = $k0/" -e "1s/.*/# config1 with $n units (k: 50 winners, at most a quarter of them), written by gen.sh./" \
	../../multiunit/config1.toml >"units${n}_config.toml"
