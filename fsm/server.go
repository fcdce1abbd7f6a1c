package fsm

func registerServer(t *Table) {}
