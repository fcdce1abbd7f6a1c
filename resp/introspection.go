package resp

// introspectionCommands: INFO, COMMAND, CONFIG (being written).
func introspectionCommands() []*localCmd { return nil }
