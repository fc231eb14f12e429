// Package hostile holds, in its test, the table of hostile inputs tried
// against the toolkit's real commands (run as separate processes): sizes no machine holds, endless or oversized files, lying
// .npz headers, unknown enumerated values, configs of the original, and
// damaged sweeps. Each must end in a non-zero exit and a message naming
// the file, key or flag and what was expected — never a runtime dump —
// within 100 MB of memory, leaving the user's files as they were.
package hostile
