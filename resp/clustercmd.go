package resp

// clusterCommands: CLUSTER (being written).
func clusterCommands() []*localCmd { return nil }
