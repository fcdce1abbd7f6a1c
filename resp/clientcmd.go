package resp

// clientCommands: CLIENT (being written).
func clientCommands() []*localCmd { return nil }
