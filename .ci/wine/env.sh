# Sourced by setup.sh and go_windows_amd64_exec: where Wine and its prefix
# are. The prefix is per user and kept between runs, so that only the
# first run pays for making it.
export WINEPREFIX=${SHM_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/shm-wine/prefix}
export WINEDEBUG=-all
export WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=d;mshtml=d"
unset DISPLAY WAYLAND_DISPLAY
WINE=${SHM_WINE:-/usr/lib/wine/wine64}
WINESERVER=${SHM_WINESERVER:-/usr/lib/wine/wineserver}
