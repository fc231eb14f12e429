module github.com/fastslow/dualstream

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/fastslow/clustering v0.0.0
	github.com/fastslow/distrlearner v0.0.0
	github.com/fastslow/dnn v0.0.0
	github.com/fastslow/multiunit v0.0.0
	github.com/fastslow/stream v0.0.0
)

replace (
	github.com/fastslow/clustering => ../clustering
	github.com/fastslow/distrlearner => ../distrlearner
	github.com/fastslow/dnn => ../dnn
	github.com/fastslow/multiunit => ../multiunit
	github.com/fastslow/stream => ../stream
)
