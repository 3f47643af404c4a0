/* Private to libos/net: the families' registration entry points, which
 * net_init calls. */
#ifndef NET_INTERNAL_H
#define NET_INTERNAL_H

int unix_family_init(void);

#endif
