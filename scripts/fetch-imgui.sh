#!/usr/bin/env bash
# Fetches Dear ImGui's sources as Debian packages them (the source package 'imgui') and unpacks
# them, for the compatibility tests. Everything happens in DEST, through a private apt
# configuration kept in DEST/apt (its own sources list, package lists and cache): nothing of the
# machine's apt set-up changes, and no root is needed. The deb-src lines use the Debian archive
# the machine's own apt sources use (override: IMHOOKS_DEBIAN_ARCHIVE=URL).
#
#   fetch-imgui.sh DEST [VERSION...]      VERSION: a Debian version, default 1.90.1+ds-1 1.92.2b+ds-1
#
# Result: DEST/imgui-1.90.1, DEST/imgui-1.92.2b, ... (the upstream sources, unmodified). A version
# already unpacked there is not fetched again.
set -euo pipefail

dest=${1:?usage: fetch-imgui.sh DEST [VERSION...]}
shift
versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
    versions=(1.90.1+ds-1 1.92.2b+ds-1)
fi
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

missing=()
for version in "${versions[@]}"; do
    upstream=${version%%+*}
    upstream=${upstream%%-*}
    if [[ -f "$dest/imgui-$upstream/imgui.h" ]]; then
        echo "fetch-imgui: $dest/imgui-$upstream is there"
    else
        missing+=("$version")
    fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
for tool in apt-get tar xz; do
    command -v "$tool" >/dev/null ||
        { echo "fetch-imgui: '$tool' is needed (apt-get install xz-utils)" >&2; exit 1; }
done

# The archive the machine's apt sources use for its own release: the URI of an entry whose suite
# is this release's codename (one-line .list files and deb822 .sources files alike).
find_archive() {
    local codename=""
    if [[ -r /etc/os-release ]]; then
        codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    fi
    local files=()
    [[ -r /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
    local file
    for file in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -r "$file" ]] && files+=("$file")
    done
    [[ ${#files[@]} -gt 0 ]] || return 1
    # Prints "URI SUITE" for every entry of type deb or deb-src.
    awk '
        function flush() {
            if (types ~ /(^|[ \t])deb(-src)?([ \t]|$)/) {
                n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
                for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (u[i] != "" && s[j] != "") print u[i], s[j]
            }
            types = uris = suites = ""
        }
        FILENAME ~ /\.sources$/ {
            if (FNR == 1) flush()
            if ($0 ~ /^[ \t]*$/) { flush(); next }
            if ($0 ~ /^Types:/)  { sub(/^Types:[ \t]*/, "");  types = $0 }
            if ($0 ~ /^URIs:/)   { sub(/^URIs:[ \t]*/, "");   uris = $0 }
            if ($0 ~ /^Suites:/) { sub(/^Suites:[ \t]*/, ""); suites = $0 }
            next
        }
        {
            flush()
            line = $0; sub(/#.*/, "", line)
            n = split(line, f, /[ \t]+/); k = 1
            while (k <= n && f[k] == "") k++
            if (f[k] != "deb" && f[k] != "deb-src") next
            k++
            if (f[k] ~ /^\[/) { while (k <= n && f[k] !~ /\]$/) k++; k++ }
            if (k + 1 <= n) print f[k], f[k + 1]
        }
        END { flush() }
    ' "${files[@]}" | awk -v codename="$codename" '
        $2 == codename && !found { print $1; found = 1 }
        END { if (!found) exit 1 }
    '
}

archive=${IMHOOKS_DEBIAN_ARCHIVE:-}
if [[ -z "$archive" ]]; then
    archive=$(find_archive) || {
        echo "fetch-imgui: no Debian archive found in /etc/apt/sources.list(.d) for this release;" \
             "set IMHOOKS_DEBIAN_ARCHIVE (e.g. http://deb.debian.org/debian)" >&2
        exit 1
    }
fi
archive=${archive%/}
echo "fetch-imgui: Debian archive $archive"

apt_dir="$dest/apt"
mkdir -p "$apt_dir/etc/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
    "$dest/downloads"
signed_by=""
if [[ -r /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
    signed_by="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
fi
# The versions wanted are in Debian's testing (trixie) and unstable (sid) suites.
cat >"$apt_dir/etc/sources.list" <<EOF
deb-src ${signed_by}$archive trixie main
deb-src ${signed_by}$archive sid main
EOF
apt_options=(
    -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Debug::NoLocking=1"
    -o "APT::Get::Only-Source=true"
)

echo "fetch-imgui: apt-get update (private lists in $apt_dir)"
apt-get "${apt_options[@]}" -q update

for version in "${missing[@]}"; do
    upstream=${version%%+*}
    upstream=${upstream%%-*}
    echo "fetch-imgui: imgui $version"
    (cd "$dest/downloads" && apt-get "${apt_options[@]}" -q source --download-only "imgui=$version")
    orig=$(ls "$dest/downloads"/imgui_"${version%-*}".orig.tar.* 2>/dev/null | head -n 1)
    [[ -n "$orig" ]] || { echo "fetch-imgui: no orig tarball for imgui $version" >&2; exit 1; }
    # Unpacked next to the final place, then moved, so an interrupted run leaves nothing half-done.
    rm -rf "$dest/.unpack"
    mkdir -p "$dest/.unpack"
    tar -xf "$orig" -C "$dest/.unpack"
    [[ -f "$dest/.unpack/imgui-$upstream/imgui.h" ]] ||
        { echo "fetch-imgui: $orig has no imgui-$upstream/imgui.h" >&2; exit 1; }
    rm -rf "$dest/imgui-$upstream"
    mv "$dest/.unpack/imgui-$upstream" "$dest/imgui-$upstream"
    rm -rf "$dest/.unpack"
    echo "fetch-imgui: $dest/imgui-$upstream"
done
