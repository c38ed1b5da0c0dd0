/** include/uapi/asm-generic/errno*.h: the errno values the emulated kernel returns. */
export const errnoNumbers = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, EBADF: 9, EAGAIN: 11,
  ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20,
  EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOTTY: 25, ENOSPC: 28, ESPIPE: 29, EROFS: 30,
  EMLINK: 31, EPIPE: 32, EDOM: 33, ERANGE: 34, EDEADLK: 35, ENAMETOOLONG: 36, ENOSYS: 38,
  ENOTEMPTY: 39, ELOOP: 40, ENOMSG: 42, ENODATA: 61, ENONET: 64, ENOLINK: 67, EPROTO: 71,
  EBADMSG: 74, EOVERFLOW: 75, ENOTUNIQ: 76, EBADFD: 77, EDESTADDRREQ: 89, EMSGSIZE: 90, EPROTOTYPE: 91,
  ENOPROTOOPT: 92, EPROTONOSUPPORT: 93, ESOCKTNOSUPPORT: 94, EOPNOTSUPP: 95, EPFNOSUPPORT: 96,
  EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99, ENETDOWN: 100, ENETUNREACH: 101,
  ENETRESET: 102, ECONNABORTED: 103, ECONNRESET: 104, ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107,
  ETIMEDOUT: 110, ECONNREFUSED: 111, EHOSTDOWN: 112, EHOSTUNREACH: 113, EALREADY: 114,
  EINPROGRESS: 115, EDQUOT: 122, ENOKEY: 126, ERFKILL: 132,
} as const;

export type Errno = keyof typeof errnoNumbers;

/** glibc strerror() texts (C locale). */
export const strerrorText: Record<Errno, string> = {
  EPERM: "Operation not permitted", ENOENT: "No such file or directory", ESRCH: "No such process",
  EINTR: "Interrupted system call", EIO: "Input/output error", ENXIO: "No such device or address",
  E2BIG: "Argument list too long", EBADF: "Bad file descriptor", EAGAIN: "Resource temporarily unavailable",
  ENOMEM: "Cannot allocate memory", EACCES: "Permission denied", EFAULT: "Bad address",
  EBUSY: "Device or resource busy", EEXIST: "File exists", EXDEV: "Invalid cross-device link",
  ENODEV: "No such device", ENOTDIR: "Not a directory", EISDIR: "Is a directory",
  EINVAL: "Invalid argument", ENFILE: "Too many open files in system", EMFILE: "Too many open files",
  ENOTTY: "Inappropriate ioctl for device", ENOSPC: "No space left on device", ESPIPE: "Illegal seek",
  EROFS: "Read-only file system", EMLINK: "Too many links", EPIPE: "Broken pipe",
  EDOM: "Numerical argument out of domain", ERANGE: "Numerical result out of range",
  EDEADLK: "Resource deadlock avoided", ENAMETOOLONG: "File name too long",
  ENOSYS: "Function not implemented", ENOTEMPTY: "Directory not empty",
  ELOOP: "Too many levels of symbolic links", ENOMSG: "No message of desired type",
  ENODATA: "No data available", ENONET: "Machine is not on the network", ENOLINK: "Link has been severed",
  EPROTO: "Protocol error", EBADMSG: "Bad message", EOVERFLOW: "Value too large for defined data type",
  ENOTUNIQ: "Name not unique on network", EBADFD: "File descriptor in bad state",
  EMSGSIZE: "Message too long", EPROTOTYPE: "Protocol wrong type for socket",
  ENOPROTOOPT: "Protocol not available", EPROTONOSUPPORT: "Protocol not supported",
  ESOCKTNOSUPPORT: "Socket type not supported", EOPNOTSUPP: "Operation not supported",
  EPFNOSUPPORT: "Protocol family not supported", EAFNOSUPPORT: "Address family not supported by protocol",
  EADDRINUSE: "Address already in use", EADDRNOTAVAIL: "Cannot assign requested address",
  ENETDOWN: "Network is down", ENETUNREACH: "Network is unreachable",
  ENETRESET: "Network dropped connection on reset", ECONNABORTED: "Software caused connection abort",
  ECONNRESET: "Connection reset by peer", ENOBUFS: "No buffer space available",
  EISCONN: "Transport endpoint is already connected", ENOTCONN: "Transport endpoint is not connected", EDESTADDRREQ: "Destination address required",
  ETIMEDOUT: "Connection timed out", ECONNREFUSED: "Connection refused", EHOSTDOWN: "Host is down",
  EHOSTUNREACH: "No route to host", EALREADY: "Operation already in progress",
  EINPROGRESS: "Operation now in progress", EDQUOT: "Disk quota exceeded",
  ENOKEY: "Required key not available", ERFKILL: "Operation not possible due to RF-kill",
};

export function strerror(e: Errno): string {
  return strerrorText[e];
}

/** A failed kernel call: the errno and, for netlink, the extended ack text (NL_SET_ERR_MSG). */
export interface KErr {
  errno: Errno;
  extack?: string;
}

export function kerr(errno: Errno, extack?: string): KErr {
  return extack === undefined ? { errno } : { errno, extack };
}

export function isKErr(x: unknown): x is KErr {
  return typeof x === "object" && x !== null && "errno" in x && typeof (x as KErr).errno === "string";
}
