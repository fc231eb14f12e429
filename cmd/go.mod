module github.com/fastslow/cmd

go 1.26.8
