package command

import (
	"fmt"
	"strings"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

// lifetimeHelp explains each lifetime in a sentence, for info.
var lifetimeHelp = map[shm.Lifetime]string{
	shm.LifetimeHandles: "removed when its last handle closes",
	shm.LifetimePersist: `stays until "shm rm"`,
	shm.LifetimeForeign: `made by another program; stays until removed`,
}

func newInfo() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "info NAME [--json]",
		Short: "Describe a segment",
		Long: `Describe a segment: its size, lifetime, holders (with their process IDs),
owner and permissions. See "shm ls --help" for what the lifetimes mean.
--json prints one object with the fields of "shm ls --json".`,
		Example:           `  shm info telemetry`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: completeNames,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			info, err := shm.Stat(args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if jsonOut {
				return writeJSON(w, toJSON(info))
			}
			holders := holdersText(info)
			if len(info.PIDs) > 0 {
				pids := make([]string, len(info.PIDs))
				for i, pid := range info.PIDs {
					pids[i] = fmt.Sprint(pid)
				}
				holders += " (pid " + strings.Join(pids, ", ") + ")"
			}
			lifetime := lifetimeText(info) + ": " + lifetimeHelp[info.Lifetime]
			if info.Orphan {
				lifetime = `orphan: every holder died; "shm gc" removes it`
			}
			fmt.Fprintf(w, "name:     %s\n", info.Name)
			fmt.Fprintf(w, "size:     %d bytes (%s)\n", info.Size, humanBytes(info.Size))
			fmt.Fprintf(w, "lifetime: %s\n", lifetime)
			fmt.Fprintf(w, "holders:  %s\n", holders)
			fmt.Fprintf(w, "owner:    %s (uid %d)\n", info.Owner, info.UID)
			_, err = fmt.Fprintf(w, "mode:     %04o (%v)\n", uint32(info.Mode.Perm()), info.Mode.Perm())
			return err
		}),
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}
