package command

import (
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

// bytesValue is a flag holding a count of bytes: a non-negative integer
// with an optional binary suffix (K, KiB, M, MiB, G, GiB, T, TiB).
type bytesValue int64

var suffixes = []struct {
	name  string
	shift uint
}{
	{"kib", 10}, {"mib", 20}, {"gib", 30}, {"tib", 40},
	{"k", 10}, {"m", 20}, {"g", 30}, {"t", 40}, {"b", 0},
}

// parseBytes parses a size or offset such as 4096, 0x1000, 64K or 1MiB.
func parseBytes(s string) (int64, error) {
	num, shift := strings.TrimSpace(s), uint(0)
	if lower := strings.ToLower(num); !strings.HasPrefix(lower, "0x") {
		for _, suf := range suffixes {
			if strings.HasSuffix(lower, suf.name) {
				num, shift = strings.TrimSpace(num[:len(num)-len(suf.name)]), suf.shift
				break
			}
		}
	}
	n, err := strconv.ParseInt(num, 0, 64)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a number of bytes (examples: 4096, 0x1000, 64K, 1MiB)", s)
	case n < 0:
		return 0, fmt.Errorf("%q is negative", s)
	case n > math.MaxInt64>>shift:
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n << shift, nil
}

func (b *bytesValue) Set(s string) error {
	n, err := parseBytes(s)
	if err != nil {
		return err
	}
	*b = bytesValue(n)
	return nil
}

func (b *bytesValue) String() string { return strconv.FormatInt(int64(*b), 10) }
func (b *bytesValue) Type() string   { return "bytes" }

// permValue is a flag holding permission bits in octal, such as 0644.
type permValue fs.FileMode

func (p *permValue) Set(s string) error {
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || n > 0o777 {
		return fmt.Errorf("%q is not an octal permission mode between 0 and 0777 (example: 0640)", s)
	}
	*p = permValue(n)
	return nil
}

func (p *permValue) String() string { return fmt.Sprintf("%04o", uint32(*p)) }
func (p *permValue) Type() string   { return "mode" }

// completeNames completes the first argument with the names of existing
// segments.
func completeNames(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	infos, err := shm.List()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []cobra.Completion
	for _, info := range infos {
		if strings.HasPrefix(info.Name, toComplete) {
			names = append(names, info.Name)
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// humanBytes formats n bytes for people: "512 B", "4.0 KiB", "1.5 MiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
