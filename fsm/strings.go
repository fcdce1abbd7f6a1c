package fsm

func registerStrings(t *Table) {}
