/* Forced first into every host build of libos/user/net and of the network
 * programs (tests/host/net/meson.build): our resolver's public names get a
 * tnd_ prefix, so that the programs call our code and not glibc's, and the
 * tests can compare the two. */
#define inet_pton tnd_inet_pton
#define inet_ntop tnd_inet_ntop
#define inet_aton tnd_inet_aton
#define inet_addr tnd_inet_addr
#define inet_ntoa tnd_inet_ntoa
#define getaddrinfo tnd_getaddrinfo
#define freeaddrinfo tnd_freeaddrinfo
#define gai_strerror tnd_gai_strerror
#define getnameinfo tnd_getnameinfo
#define gethostbyname tnd_gethostbyname
#define hstrerror tnd_hstrerror
#define in6addr_any tnd_in6addr_any
#define in6addr_loopback tnd_in6addr_loopback
