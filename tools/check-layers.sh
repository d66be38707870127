#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fails on an #include of a project header that crosses the layering rules of
# STYLE.md section 2: each layer may include itself and the layers below it.
set -u
cd "$(dirname "$0")/.."

# allowed project-header prefixes per source directory
allowed() {
	case $1 in
	include/*)	echo "xdpstorm/" ;;
	bpf/*)		echo "xdpstorm/ bpf/" ;;
	user/core/*)	echo "xdpstorm/ core/" ;;
	user/net/*)	echo "xdpstorm/ core/ net/" ;;
	user/io/*)	echo "xdpstorm/ core/ io/" ;;
	user/tcp/*)	echo "xdpstorm/ core/ net/ tcp/" ;;
	user/dns/*)	echo "xdpstorm/ core/ net/ dns/" ;;
	user/http/*)	echo "xdpstorm/ core/ net/ tcp/ http/" ;;
	user/filter/*)	echo "xdpstorm/ core/ net/ filter/" ;;
	user/*)		echo "xdpstorm/ core/ net/ io/ tcp/ dns/ http/ filter/ loader/ ./ steer" ;;
	loader/*)	echo "xdpstorm/ core/ loader/ ./ steer" ;;
	tools/*)	echo "xdpstorm/ core/ net/ dns/ service ./" ;;
	*)		echo "*" ;;
	esac
}

bad=0
while IFS= read -r f; do
	allow=$(allowed "$f")
	[ "$allow" = "*" ] && continue
	dir=$(dirname "$f")
	while IFS= read -r inc; do
		# a header next to the file is its own module
		[ -e "$dir/$inc" ] && case $f in user/*|bpf/*|loader/*|include/*) continue ;; esac
		ok=0
		for a in $allow; do
			case $inc in "$a"*) ok=1 ;; esac
		done
		if [ $ok -eq 0 ]; then
			echo "layering: $f includes \"$inc\""
			bad=1
		fi
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done < <(git ls-files 'include/*' 'bpf/*' 'user/*' 'loader/*' 'tools/*.c' | grep -E '\.(c|h)$')

if [ $bad -eq 0 ]; then
	echo "check-layers: ok"
fi
exit $bad
