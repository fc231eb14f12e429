// Package explorer turns results folders (a model's run, a dual stream's,
// a sweep's, a fit's) into one self-contained HTML page of interactive
// charts, or serves them on the loopback address, refreshing as a sweep's
// configs finish. The charts are Apache ECharts, vendored (assets/) and
// embedded, so a page works offline, opened from disk.
//
// The original project (don-tpanic/thinking_fast_and_slow) logged every
// run to a tracking service with live dashboards; this package replaces
// them with files and a local page.
package explorer
