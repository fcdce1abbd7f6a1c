package fsm

func registerKeys(t *Table) {}
