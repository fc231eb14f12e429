module github.com/fastslow/cmd

go 1.26.8

require (
	github.com/fastslow/clustering v0.0.0
	github.com/fastslow/distrlearner v0.0.0
	github.com/fastslow/dnn v0.0.0
	github.com/fastslow/dualstream v0.0.0
	github.com/fastslow/multiunit v0.0.0
	github.com/fastslow/stream v0.0.0
)

replace (
	github.com/fastslow/clustering => ../clustering
	github.com/fastslow/distrlearner => ../distrlearner
	github.com/fastslow/dnn => ../dnn
	github.com/fastslow/dualstream => ../dualstream
	github.com/fastslow/multiunit => ../multiunit
	github.com/fastslow/stream => ../stream
)
