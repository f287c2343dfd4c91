#!/usr/bin/env bash
# Freezes the built code into DIR (classes, jars and a launcher DIR/recipe that runs in this checkout), so that a
# long run keeps running this code while the checkout changes and `mvn install` rewrites the jars. Results record
# the revision the snapshot was built from (-Drecipe.codeRevision, -Drecipe.codeDirty), not the checkout's HEAD.
#   mvn -q -B install -DskipTests && tools/snapshot.sh /tmp/snap && /tmp/snap/recipe experiment --config ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:?usage: tools/snapshot.sh DIR}"
cp_file="$here/modules/app/target/classpath.txt"
[ -f "$cp_file" ] || { echo "snapshot: not built yet; run: mvn -q -B install -DskipTests" >&2; exit 2; }
rev="$(git -C "$here" rev-parse HEAD)"
dirty=false
[ -z "$(git -C "$here" status --porcelain --untracked-files=no)" ] || dirty=true
rm -rf "$dir"
mkdir -p "$dir/jars"
cp -r "$here/modules/app/target/classes" "$dir/classes"
jars=()
IFS=":" read -r -a entries < "$cp_file" || true   # the file has no final newline
for j in "${entries[@]}"; do
  cp "$j" "$dir/jars/"
  jars+=("$dir/jars/$(basename "$j")")
done
(IFS=':'; echo "${jars[*]}") > "$dir/cp.txt"
sed -e "s#^here=.*#here=\"$here\"#" \
    -e "s#^cp_file=.*#cp_file=\"$dir/cp.txt\"#" \
    -e "s#-Drecipe.home=\"\$here\"#-Drecipe.home=\"\$here\" -Drecipe.codeRevision=$rev -Drecipe.codeDirty=$dirty#" \
    -e "s#\$here/modules/app/target/classes#$dir/classes#" \
    "$here/recipe" > "$dir/recipe"
chmod +x "$dir/recipe"
grep -q "recipe.codeRevision=$rev" "$dir/recipe" || { echo "snapshot: could not rewrite the launcher" >&2; exit 1; }
echo "snapshot of $rev (dirty: $dirty) in $dir; run $dir/recipe <command>"
