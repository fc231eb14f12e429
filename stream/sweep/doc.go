// Package sweep runs hyper-parameter sweeps: a template config and a grid
// of key paths → value lists make one numbered config per combination
// (numbered from an offset in the original's config_generator.py order),
// and every config of a range or a shard runs on one worker pool, each
// written atomically with a marker that holds the config's checksum, so a
// killed sweep resumes where it stopped and cluster shards never write the
// same file. A report ranks the finished configs by a metric of their
// learning curves.
//
// The original project (don-tpanic/thinking_fast_and_slow, Luo & Love)
// generated its sweeps with config_generator.py, ran one process per
// config and logged each config to a tracking service; this package
// replaces all three with files (reference-models.md §8).
package sweep
