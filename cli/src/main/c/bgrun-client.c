/*
 * The thin client's connection to the daemon's Unix socket, for dev.bgrun.cli.client.NativeSocket.
 *
 * Why native: the JDK's Unix-domain SocketChannel costs a short-lived JVM about 30 ms of CPU at its first
 * connect (its class set-up seeds a SecureRandom, which loads the security providers, and loads libnet), a
 * third of a whole `bgrun status`. These four calls cost a dlopen. Without this library (a jar copied alone),
 * the client uses the JDK's channel.
 *
 * Errors come back as a negative errno; strerror0 turns one into text.
 */
#include <jni.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ABI_VERSION 1

JNIEXPORT jint JNICALL Java_dev_bgrun_cli_client_NativeSocket_abi0(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return ABI_VERSION;
}

JNIEXPORT jint JNICALL Java_dev_bgrun_cli_client_NativeSocket_connect0(JNIEnv *env, jclass cls, jbyteArray path) {
    (void) cls;
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    jsize length = (*env)->GetArrayLength(env, path);
    if (length <= 0 || (size_t) length >= sizeof address.sun_path) {
        return -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, path, 0, length, (jbyte *) address.sun_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    while (connect(fd, (struct sockaddr *) &address, sizeof address) < 0) {
        if (errno != EINTR) {
            int error = errno;
            close(fd);
            return -error;
        }
    }
    return fd;
}

/* Reads up to len bytes into buffer[offset...]: the count, 0 at the end of the stream, or -errno. */
JNIEXPORT jint JNICALL Java_dev_bgrun_cli_client_NativeSocket_read0(JNIEnv *env, jclass cls, jint fd, jbyteArray buffer,
                                                                    jint offset, jint len) {
    (void) cls;
    char local[65536];
    if (len > (jint) sizeof local) {
        len = sizeof local;
    }
    ssize_t n;
    do {
        n = read(fd, local, (size_t) len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    (*env)->SetByteArrayRegion(env, buffer, offset, (jsize) n, (jbyte *) local);
    return (jint) n;
}

/* Writes all len bytes of buffer[offset...]: 0, or -errno. */
JNIEXPORT jint JNICALL Java_dev_bgrun_cli_client_NativeSocket_write0(JNIEnv *env, jclass cls, jint fd, jbyteArray buffer,
                                                                     jint offset, jint len) {
    (void) cls;
    char local[65536];
    while (len > 0) {
        jint chunk = len > (jint) sizeof local ? (jint) sizeof local : len;
        (*env)->GetByteArrayRegion(env, buffer, offset, chunk, (jbyte *) local);
        jint done = 0;
        while (done < chunk) {
            ssize_t n = send(fd, local + done, (size_t) (chunk - done), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return -errno;
            }
            done += (jint) n;
        }
        offset += chunk;
        len -= chunk;
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_dev_bgrun_cli_client_NativeSocket_close0(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    return close(fd) < 0 ? -errno : 0;
}

JNIEXPORT jstring JNICALL Java_dev_bgrun_cli_client_NativeSocket_strerror0(JNIEnv *env, jclass cls, jint error) {
    (void) cls;
    return (*env)->NewStringUTF(env, strerror(error));
}
