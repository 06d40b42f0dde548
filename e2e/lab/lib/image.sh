# shellcheck shell=bash
# image.sh: the guest disk, built from Debian packages without mounts or loop devices.
#   p1 FAT16 (bootable, syslinux): Debian's cloud kernel + an initramfs (busybox, dropbear, qemu-ga,
#      python3-minimal: the disk-attachment strategy hashes attached volumes with it on the proxy VM)
#   p2 ext4: /data in the guest (persistent across reboots and snapshots)
# Output: $LAB_DIR/image/labvm.qcow2 (+ id_ed25519, a key baked in as a fallback login).

IMG_DIR=$LAB_DIR/image
IMAGE_RECIPE=2   # bump when the guest changes
GUEST_MODS=(virtio_pci virtio_blk virtio_net virtio_console virtio_rng ata_piix sr_mod isofs button evdev)

fetch_deb() { # package-glob package-name -> path of the .deb in $IMG_DIR/dl
  local f
  f=$(ls "$IMG_DIR/dl"/$1_*.deb 2>/dev/null | head -1 || true)
  if [ -z "$f" ]; then
    (cd "$IMG_DIR/dl" && apt-get -q download "$2" >/dev/null)
    f=$(ls "$IMG_DIR/dl"/$1_*.deb | head -1)
  fi
  echo "$f"
}
copy_with_libs() { # root file...
  local r=$1 f l; shift
  for f in "$@"; do
    cp "$f" "$r/bin/"
    for l in $(ldd "$f" | awk '/=>/{print $3} /ld-linux/{print $1}'); do
      mkdir -p "$r$(dirname "$l")"; cp -L "$l" "$r$l"
    done
  done
}
build_initramfs() { # build-dir
  local B=$1 R=$1/root kver kdeb qga m ko rel a
  kdeb=$(fetch_deb 'linux-image-*-cloud-amd64' \
    "$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}')")
  qga=$(fetch_deb qemu-guest-agent qemu-guest-agent)
  dpkg-deb -x "$kdeb" "$B/kernel"; dpkg-deb -x "$qga" "$B/qga"
  for a in python3.11-minimal libpython3.11-minimal; do dpkg-deb -x "$(fetch_deb "$a" "$a")" "$B/py"; done
  kver=$(ls "$B/kernel/lib/modules" | head -1)
  mkdir -p "$R"/{bin,sbin,etc/dropbear,proc,sys,dev,run,tmp,mnt/cd,data,root/.ssh,var/log,lib/modules/$kver}
  cp /bin/busybox "$R/bin/busybox"
  for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
  copy_with_libs "$R" /usr/sbin/dropbear /usr/bin/dropbearkey "$B/qga/usr/sbin/qemu-ga"
  # python3 where a Debian system has it (its stdlib is found from the binary's path)
  mkdir -p "$R/usr/bin" "$R/usr/lib"
  copy_with_libs "$R" "$B/py/usr/bin/python3.11"
  mv "$R/bin/python3.11" "$R/usr/bin/python3.11"; ln -s /usr/bin/python3.11 "$R/bin/python3"
  cp -a "$B/py/usr/lib/python3.11" "$R/usr/lib/"
  depmod -b "$B/kernel" "$kver"
  for m in "${GUEST_MODS[@]}"; do
    modprobe -d "$B/kernel" -S "$kver" -D "$m" | awk '$1=="insmod"{print $2}' | while read -r ko; do
      rel=${ko#"$B/kernel"}; mkdir -p "$R$(dirname "$rel")"; cp "$ko" "$R$rel"
    done
  done
  cp "$B/kernel/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$kver/" 2>/dev/null || true
  depmod -b "$R" "$kver"
  cp "$IMG_DIR/id_ed25519.pub" "$R/root/.ssh/authorized_keys"
  chmod 700 "$R/root/.ssh"; chmod 600 "$R/root/.ssh/authorized_keys"
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
  printf 'root:x:0:\n' > "$R/etc/group"
  printf 'root::1::::::\n' > "$R/etc/shadow"; chmod 600 "$R/etc/shadow"   # key login only
  printf '/bin/sh\n' > "$R/etc/shells"
  printf 'passwd: files\ngroup: files\nshadow: files\n' > "$R/etc/nsswitch.conf"
  echo labvm > "$R/etc/hostname"
  install -m 755 "$LAB_HOME/lib/guest-init" "$R/init"
  (cd "$R" && find . | cpio -o -H newc --quiet | gzip -6) > "$B/initrd.gz"
  cp "$B/kernel/boot/vmlinuz-$kver" "$B/vmlinuz"
}
build_disk() { # build-dir output.qcow2 ; MBR, p1 FAT16 + syslinux, p2 ext4 (mke2fs -d)
  local B=$1 img=$1/labvm.raw size_mb=96 p1_start=2048 p1_sect=$((40 * 2048)) p2_start p2_sect
  p2_start=$((p1_start + p1_sect)); p2_sect=$((size_mb * 2048 - p2_start))
  truncate -s "${size_mb}M" "$img"
  printf 'label: dos\nstart=%s, size=%s, type=6, bootable\nstart=%s, size=%s, type=83\n' \
    "$p1_start" "$p1_sect" "$p2_start" "$p2_sect" | sfdisk -q "$img"
  mkfs.vfat -F 16 -n LABVMBOOT --offset "$p1_start" "$img" $((p1_sect / 2)) >/dev/null
  printf 'DEFAULT labvm\nPROMPT 0\nTIMEOUT 1\nLABEL labvm\n  KERNEL /vmlinuz\n  INITRD /initrd.gz\n  APPEND console=tty0 console=ttyS0,115200 panic=10 quiet\n' > "$B/syslinux.cfg"
  mcopy -i "$img@@$((p1_start * 512))" "$B/vmlinuz" "$B/initrd.gz" "$B/syslinux.cfg" ::/
  syslinux --offset $((p1_start * 512)) --install "$img"
  dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" bs=440 count=1 conv=notrunc status=none
  mkdir -p "$B/datafs"; echo "labvm data partition" > "$B/datafs/README"
  mke2fs -q -t ext4 -L labvm-data -d "$B/datafs" -E offset=$((p2_start * 512)) "$img" $((p2_sect / 2))k
  qemu-img convert -f raw -O qcow2 "$img" "$2"
}
# build the guest image once; the result is reused by every later up
build_image() {
  # an image of an earlier recipe (no python3) is built again; a seeded lab keeps its servers:
  # `down --purge`, `up`, `seed` give them the new guest
  [ -s "$IMG_DIR/labvm.qcow2" ] && [ "$(cat "$IMG_DIR/recipe" 2>/dev/null)" = "$IMAGE_RECIPE" ] && return 0
  local B=$IMG_DIR/build
  rm -rf "$B"; mkdir -p "$B" "$IMG_DIR/dl"
  [ -f "$IMG_DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C labvm-builtin -f "$IMG_DIR/id_ed25519"
  build_initramfs "$B" > "$LOG/build-image.log" 2>&1 || die "guest image: initramfs failed (see $LOG/build-image.log)"
  build_disk "$B" "$IMG_DIR/labvm.qcow2.tmp" >> "$LOG/build-image.log" 2>&1 || die "guest image: disk failed (see $LOG/build-image.log)"
  mv "$IMG_DIR/labvm.qcow2.tmp" "$IMG_DIR/labvm.qcow2"
  echo "$IMAGE_RECIPE" > "$IMG_DIR/recipe"
  rm -rf "$B"
  log "guest image built: $IMG_DIR/labvm.qcow2 ($(du -k "$IMG_DIR/labvm.qcow2" | cut -f1) KiB)"
}
