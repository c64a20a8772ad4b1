//go:build !shm_filebackend

package shm

import (
	"reflect"
	"testing"
)

func TestParseLocks(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		want map[fileID][]int
	}{
		{"empty", "", map[fileID][]int{}},
		{"flock holders", "1: FLOCK  ADVISORY  READ 9080 00:1a:3284993 0 EOF\n" +
			"2: FLOCK  ADVISORY  READ 9081 00:1a:3284993 0 EOF\n" +
			"3: FLOCK  ADVISORY  WRITE 77 fe:01:12 0 EOF\n",
			map[fileID][]int{{0, 0x1a, 3284993}: {9080, 9081}, {0xfe, 1, 12}: {77}}},
		{"waiters and other kinds skipped",
			"1: FLOCK  ADVISORY  WRITE 10 00:1a:5 0 EOF\n" +
				"1: -> FLOCK  ADVISORY  READ 11 00:1a:5 0 EOF\n" +
				"2: POSIX  ADVISORY  WRITE 12 00:1a:5 0 EOF\n" +
				"3: OFDLCK ADVISORY  READ -1 00:1a:5 0 EOF\n",
			map[fileID][]int{{0, 0x1a, 5}: {10}}},
		{"garbage skipped",
			"x\n1: FLOCK\n1: FLOCK ADVISORY READ pid 00:1a:5 0 EOF\n" +
				"1: FLOCK ADVISORY READ 3 00:zz:5 0 EOF\n1: FLOCK ADVISORY READ 3 00:1a 0 EOF\n" +
				"1: FLOCK ADVISORY READ 3 00:1a:-5 0 EOF\n",
			map[fileID][]int{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseLocks([]byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("parseLocks(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseLocks(f *testing.F) {
	f.Add([]byte("1: FLOCK  ADVISORY  READ 9080 00:1a:3284993 0 EOF\n"))
	f.Add([]byte("1: -> FLOCK  ADVISORY  READ 11 00:1a:5 0 EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for id, pids := range parseLocks(data) {
			if len(pids) == 0 {
				t.Fatalf("file %v listed with no holders", id)
			}
		}
	})
}

func TestLifetimeText(t *testing.T) {
	for _, l := range []Lifetime{LifetimeHandles, LifetimePersist, LifetimeForeign} {
		text, err := l.MarshalText()
		var back Lifetime
		if err != nil || back.UnmarshalText(text) != nil || back != l {
			t.Errorf("%v: MarshalText = %q, %v; back %v", l, text, err, back)
		}
	}
	var l Lifetime
	if err := l.UnmarshalText([]byte("forever")); err == nil {
		t.Error("UnmarshalText accepted an unknown lifetime")
	}
	if s := Lifetime(9).String(); s != "Lifetime(9)" {
		t.Errorf("String of a bad lifetime: %q", s)
	}
}
