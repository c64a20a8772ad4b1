package shm

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Namespace prefixes of Windows kernel object names. Windows keeps them; the
// POSIX backends strip them, so `Local\Telemetry` and `Telemetry` are the
// same segment there.
const (
	prefixLocal  = `Local\`
	prefixGlobal = `Global\`
)

// nameMax is the longest name, in bytes, after the prefix: NAME_MAX on
// Linux and the BSDs, comfortably inside Windows' MAX_PATH.
const nameMax = 255

// splitName validates name and returns its base: the name without its
// namespace prefix. The rules are the same on every OS so that a name that
// works on one works on all.
func splitName(name string) (base string, err error) {
	base = name
	for _, p := range [...]string{prefixLocal, prefixGlobal} {
		if strings.HasPrefix(name, p) {
			base = name[len(p):]
			break
		}
	}
	why := ""
	switch {
	case base == "":
		why = "empty"
	case len(base) > nameMax:
		why = fmt.Sprintf("longer than %d bytes", nameMax)
	case base == "." || base == "..":
		why = "a directory name"
	case strings.ContainsAny(base, "/\\\x00"):
		why = `holds '/', '\' or NUL`
	case !utf8.ValidString(base):
		why = "not valid UTF-8"
	}
	if why != "" {
		return "", fmt.Errorf("%w %q: %s", ErrInvalidName, name, why)
	}
	return base, nil
}
