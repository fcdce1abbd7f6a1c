package main

import (
	"net"
	"testing"
	"time"
)

func TestFloorServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	go func() { _ = serveFloor(addr) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if s, err := do(addr, time.Second, "PING"); err == nil && s == "PONG" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("floor server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, tc := range []struct {
		args    []string
		want    string
		wantErr string
	}{
		{args: []string{"SET", "k", "v1"}, want: "OK"},
		{args: []string{"GET", "k"}, want: "v1"},
		{args: []string{"INCR", "k"}, wantErr: "ERR value is not an integer or out of range"},
		{args: []string{"INCR", "n"}, want: "1"},
		{args: []string{"incr", "n"}, want: "2"},
		{args: []string{"GET", "n"}, want: "2"},
		{args: []string{"GET", "missing"}, wantErr: "unexpected bulk header \"$-1\""},
		{args: []string{"LPUSH", "l", "x"}, wantErr: "ERR unknown command 'LPUSH', with args beginning with: "},
		{args: []string{"SET", "k"}, wantErr: "ERR unknown command 'SET', with args beginning with: "},
	} {
		got, err := do(addr, time.Second, tc.args...)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%d %q: err %v, want %q", i, tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%d %q: %q %v, want %q", i, tc.args, got, err, tc.want)
		}
	}
}
