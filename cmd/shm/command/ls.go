package command

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

func newLs() *cobra.Command {
	var all, jsonOut bool
	cmd := &cobra.Command{
		Use:   "ls [--all] [--json]",
		Short: "List segments",
		Long: `List segments: name, size in bytes, holders (open handles keeping it
alive), lifetime, owner and permissions.

Lifetime is "handles" for a segment that lives while a handle is open (made
by "shm hold" or a program using the library), "persist" for one that stays
until removed ("shm create"), "foreign" for one another program made
(Python, C, Boost: shown with --all only), and "orphan" for a "handles"
segment whose holders all died: "shm gc" removes those.

--json prints a JSON array of objects with the fields name, size, holders
(-1 if unknown), pids, lifetime, orphan, uid, owner and mode (octal text).`,
		Example: `  shm ls
  shm ls --all --json`,
		Args: args(cobra.NoArgs),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			infos, err := shm.List()
			if err != nil {
				return err
			}
			shown := []shm.Info{}
			for _, info := range infos {
				if all || info.Lifetime != shm.LifetimeForeign {
					shown = append(shown, info)
				}
			}
			if jsonOut {
				return writeJSON(cmd.OutOrStdout(), infosJSON(shown))
			}
			return writeTable(cmd.OutOrStdout(), shown)
		}),
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "include segments other programs made")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}

// infoJSON is how ls --json and info --json describe a segment.
type infoJSON struct {
	Name     string       `json:"name"`
	Size     int64        `json:"size"`
	Holders  int          `json:"holders"`
	PIDs     []int        `json:"pids"`
	Lifetime shm.Lifetime `json:"lifetime"`
	Orphan   bool         `json:"orphan"`
	UID      int          `json:"uid"`
	Owner    string       `json:"owner"`
	Mode     string       `json:"mode"`
}

func toJSON(info shm.Info) infoJSON {
	pids := info.PIDs
	if pids == nil {
		pids = []int{}
	}
	return infoJSON{
		Name: info.Name, Size: info.Size, Holders: info.Holders, PIDs: pids,
		Lifetime: info.Lifetime, Orphan: info.Orphan,
		UID: info.UID, Owner: info.Owner, Mode: fmt.Sprintf("%04o", uint32(info.Mode.Perm())),
	}
}

func infosJSON(infos []shm.Info) []infoJSON {
	out := make([]infoJSON, 0, len(infos))
	for _, info := range infos {
		out = append(out, toJSON(info))
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// lifetimeText is the lifetime column of ls.
func lifetimeText(info shm.Info) string {
	if info.Orphan {
		return "orphan"
	}
	return info.Lifetime.String()
}

func holdersText(info shm.Info) string {
	if info.Holders < 0 {
		return "?"
	}
	return strconv.Itoa(info.Holders)
}

func writeTable(w io.Writer, infos []shm.Info) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSIZE\tHOLDERS\tLIFETIME\tOWNER\tMODE")
	for _, info := range infos {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%v\n", info.Name, info.Size, holdersText(info),
			lifetimeText(info), info.Owner, info.Mode.Perm())
	}
	return tw.Flush()
}
