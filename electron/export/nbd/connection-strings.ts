/** How clients reach an export: the URL and the command lines of the usual NBD clients. */
export interface ConnectionStrings {
  /** nbd://HOST:PORT/NAME (nbds:// with TLS, as libnbd's tools write it) */
  url: string;
  /** qemu-nbd --connect: the export as /dev/nbd0 on Linux (needs root and the nbd kernel module) */
  qemuNbd: string;
  /** nbd-client, the kernel client's own tool */
  nbdClient: string;
  /** qemu-img info: a quick look from any machine with qemu-utils */
  qemuImg: string;
}

export function connectionStrings(host: string, port: number, name: string, opts: { readOnly: boolean; tls: boolean }): ConnectionStrings {
  // 0.0.0.0 and :: listen everywhere: clients on this machine use loopback. IPv6 literals go in brackets in a URL.
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const urlHost = reach.includes(':') ? `[${reach}]` : reach;
  const url = `nbd://${urlHost}:${port}/${name}`;
  if (!opts.tls)
    return {
      url,
      qemuNbd: `sudo qemu-nbd --connect=/dev/nbd0 --format=raw${opts.readOnly ? ' --read-only' : ''} ${url}`,
      nbdClient: `sudo nbd-client ${reach} ${port} /dev/nbd0 -N ${name}`,
      qemuImg: `qemu-img info ${url}`,
    };
  // qemu takes TLS credentials as an object: CA_DIR holds ca-cert.pem, the CA that signed the server's certificate.
  const creds = '--object tls-creds-x509,id=tls0,endpoint=client,dir=CA_DIR';
  const opts2 = `driver=nbd,host=${reach},port=${port},export=${name},tls-creds=tls0`;
  return {
    url: `nbds://${urlHost}:${port}/${name}`,
    qemuNbd: `sudo qemu-nbd --connect=/dev/nbd0${opts.readOnly ? ' --read-only' : ''} ${creds} --image-opts ${opts2}`,
    nbdClient: `sudo nbd-client ${reach} ${port} /dev/nbd0 -N ${name} -cacertfile CA_DIR/ca-cert.pem`,
    qemuImg: `qemu-img info ${creds} --image-opts ${opts2}`,
  };
}
