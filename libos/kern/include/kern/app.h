/* The application an image is built around. kernel_main calls app_main once
 * the kernel is up; its return value is the image's exit status. */
#ifndef KERN_APP_H
#define KERN_APP_H

int app_main(const char *cmdline);

#endif
