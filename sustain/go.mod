module github.com/fastslow/sustain

go 1.26.8

require github.com/fastslow/stream v0.0.0

replace github.com/fastslow/stream => ../stream
