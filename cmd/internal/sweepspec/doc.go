// Package sweepspec makes sweeps from files: a sweep spec (a template
// config, fixed overrides and grids of key paths → value lists) or a
// folder of configs becomes a stream/sweep.Sweep, every config checked by
// its model's Load before anything runs, numbered in the order of the
// original's config_generator.py; it also writes the configs (sweep
// generate) and the Slurm array script (sweep slurm). Running, resuming
// and ranking a sweep is stream/sweep's: this package holds only the
// TOML layer the sweep command reads, which a Go caller does not need.
package sweepspec
