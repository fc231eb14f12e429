module github.com/fastslow/clustering/internal/vexp/gen

go 1.25.0

require (
	github.com/fastslow/stream/vmath/gen v0.0.0
	github.com/mmcloughlin/avo v0.5.0
)

require (
	golang.org/x/mod v0.6.0 // indirect
	golang.org/x/sys v0.1.0 // indirect
	golang.org/x/tools v0.2.0 // indirect
)

replace github.com/fastslow/stream/vmath/gen => ../../../../stream/vmath/gen
