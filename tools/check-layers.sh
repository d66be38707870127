#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fails on an #include of a project header that crosses the layering rules of
# STYLE.md section 2 (each layer may include itself and the layers below it),
# on a source file directly in user/ or in a folder that is no known layer,
# and on the file-level rules below (a file may be stricter than its folder).
set -u
cd "$(dirname "$0")/.." || exit 1

# Allowed project-header prefixes per source folder, lowest layer first.
#   core            libc, libbpf only
#   net, io         core (and never each other: protocols know no I/O)
#   dnsmsg          DNS message basics without the answer database
#   tcp             net
#   dns, filter     dnsmsg, net (dns and filter never include each other)
#   http            tcp, net
#   svc             the joint of protocols and I/O: handlers, TX context,
#                   copy pool, the generic worker loop
#   daemon          options, registry, wiring, attach, stats publishing
allowed() {
	case $1 in
	include/*)	echo "xdpstorm/" ;;
	bpf/*)		echo "xdpstorm/ bpf/" ;;
	user/core/*)	echo "xdpstorm/ core/" ;;
	user/net/*)	echo "xdpstorm/ core/ net/" ;;
	user/io/*)	echo "xdpstorm/ core/ io/" ;;
	user/dnsmsg/*)	echo "xdpstorm/ core/ dnsmsg/" ;;
	user/tcp/*)	echo "xdpstorm/ core/ net/ tcp/" ;;
	user/dns/*)	echo "xdpstorm/ core/ net/ dnsmsg/ dns/" ;;
	user/filter/*)	echo "xdpstorm/ core/ net/ dnsmsg/ filter/" ;;
	user/http/*)	echo "xdpstorm/ core/ net/ tcp/ http/" ;;
	user/svc/*)	echo "xdpstorm/ core/ net/ io/ dnsmsg/ tcp/ dns/ http/ filter/ svc/" ;;
	user/daemon/*)	echo "xdpstorm/ core/ net/ io/ dnsmsg/ tcp/ dns/ http/ filter/ svc/ daemon/ steer_loader.h" ;;
	user/*)		echo "NONE" ;;
	loader/*)	echo "xdpstorm/ core/ loader/ ./ steer verify.skel.h" ;;	# the generated skeletons
	tools/*)	echo "xdpstorm/ core/ net/ io/ dnsmsg/ dns/ svc/ ./" ;;
	*)		echo "*" ;;
	esac
}

# File-level rules: headers a file must not include although its folder may.
# The worker loop and the TX context know no protocol; a service handler
# knows no loop (it is driven through the contract in svc/svc.h).
forbidden() {
	case $1 in
	user/svc/worker.[ch]|user/svc/tx.[ch]|user/svc/copypool.[ch]|user/svc/svc.h)
		echo "dns/ dnsmsg/ tcp/ http/ filter/ svc/dns_ svc/http_ svc/filter_" ;;
	user/svc/dns_*|user/svc/http_*|user/svc/filter_*)
		echo "svc/worker.h" ;;
	esac
}

bad=0
while IFS= read -r f; do
	allow=$(allowed "$f")
	[ "$allow" = "*" ] && continue
	if [ "$allow" = NONE ]; then
		echo "layering: $f is in no layer (user/ holds only the layer folders)"
		bad=1
		continue
	fi
	deny=$(forbidden "$f")
	dir=$(dirname "$f")
	while IFS= read -r inc; do
		for d in $deny; do
			case $inc in "$d"*)
				echo "layering: $f includes \"$inc\" (file rule)"
				bad=1
				;;
			esac
		done
		# a header next to the file is its own module
		[ -e "$dir/$inc" ] && case $f in bpf/*|loader/*|include/*) continue ;; esac
		ok=0
		for a in $allow; do
			case $inc in "$a"*) ok=1 ;; esac
		done
		if [ $ok -eq 0 ]; then
			echo "layering: $f includes \"$inc\""
			bad=1
		fi
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done < <(git ls-files --cached --others --exclude-standard 'include/*' 'bpf/*' 'user/*' 'loader/*' 'tools/*.c' |
	 grep -E '\.(c|h)$' | sort -u)

if [ $bad -eq 0 ]; then
	echo "check-layers: ok"
fi
exit $bad
