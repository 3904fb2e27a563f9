/* avcap_macos.m - macOS device back-ends for avcap.h: CoreAudio capture
   (an AudioQueue on the default input, float32 interleaved at the wanted
   rate and channel count) and AVFoundation cameras (AVCaptureSession with a
   video data output in 420YpCbCr8BiPlanar, the luma plane kept).

   NOT BUILT IN CI: this repository's CI runs on Debian, where neither the
   Apple SDK nor an Objective-C runtime with these frameworks exists. It is
   written to Apple's documented APIs (AudioQueueNewInput,
   AVCaptureDevice/AVCaptureVideoDataOutput) and kept small; build with
     clang -fobjc-arc -O2 live_locate.c avcap.c avcap_macos.m \
       -framework AudioToolbox -framework AVFoundation -framework CoreMedia \
       -framework CoreVideo -framework Foundation -o avloc_live
   and grant the terminal camera and microphone access when macOS asks. */
#if defined(__APPLE__)
#import <AVFoundation/AVFoundation.h>
#import <AudioToolbox/AudioToolbox.h>
#import <CoreMedia/CoreMedia.h>
#import <CoreVideo/CoreVideo.h>
#include <stdlib.h>
#include <string.h>
#include "avcap.h"

/* ---------------------------------------------------------- CoreAudio */

#define AVCAP__AQ_BUFS 4

typedef struct avcap__aq {
    AudioQueueRef q;
    dispatch_semaphore_t ready;
    float *ring;              /* frames received, handed out in order */
    size_t cap, head, count;  /* in frames */
    unsigned ch;
    pthread_mutex_t lock;
} avcap__aq;

static void avcap__aq_input(void *user, AudioQueueRef q, AudioQueueBufferRef b, const AudioTimeStamp *t,
                            UInt32 n_desc, const AudioStreamPacketDescription *desc)
{
    avcap__aq *s = (avcap__aq *)user;
    size_t frames = b->mAudioDataByteSize / (sizeof(float) * s->ch), i;
    const float *x = (const float *)b->mAudioData;
    (void)t; (void)n_desc; (void)desc;
    pthread_mutex_lock(&s->lock);
    for (i = 0; i < frames && s->count < s->cap; i++) { /* a full ring drops the newest (overrun) */
        size_t w = (s->head + s->count) % s->cap;
        memcpy(s->ring + w * s->ch, x + i * s->ch, s->ch * sizeof(float));
        s->count++;
    }
    pthread_mutex_unlock(&s->lock);
    dispatch_semaphore_signal(s->ready);
    AudioQueueEnqueueBuffer(q, b, 0, NULL);
}

int avcap__audio_open_device(avcap_audio *a, int backend, const char *arg, unsigned rate,
                             unsigned channels, unsigned period)
{
    AudioStreamBasicDescription fmt;
    avcap__aq *s;
    OSStatus st;
    int i;
    (void)arg;
    if (backend != AVCAP_BE_COREAUDIO) return avcap__error(a->msg, AVCAP_ERR_UNSUPPORTED, "only coreaudio: on macOS");
    s = (avcap__aq *)calloc(1, sizeof *s);
    if (!s) return avcap__error(a->msg, AVCAP_ERR_OPEN, "out of memory");
    s->ch = channels;
    s->cap = (size_t)rate * 2; /* 2 s */
    s->ring = (float *)calloc(s->cap * channels, sizeof(float));
    s->ready = dispatch_semaphore_create(0);
    pthread_mutex_init(&s->lock, NULL);
    memset(&fmt, 0, sizeof fmt);
    fmt.mSampleRate = rate;
    fmt.mFormatID = kAudioFormatLinearPCM;
    fmt.mFormatFlags = kAudioFormatFlagIsFloat | kAudioFormatFlagIsPacked;
    fmt.mChannelsPerFrame = channels;
    fmt.mBitsPerChannel = 32;
    fmt.mBytesPerFrame = fmt.mBytesPerPacket = 4 * channels;
    fmt.mFramesPerPacket = 1;
    st = s->ring ? AudioQueueNewInput(&fmt, avcap__aq_input, s, NULL, kCFRunLoopCommonModes, 0, &s->q) : -1;
    for (i = 0; st == noErr && i < AVCAP__AQ_BUFS; i++) {
        AudioQueueBufferRef b;
        st = AudioQueueAllocateBuffer(s->q, period * fmt.mBytesPerFrame, &b);
        if (st == noErr) st = AudioQueueEnqueueBuffer(s->q, b, 0, NULL);
    }
    if (st == noErr) st = AudioQueueStart(s->q, NULL);
    if (st != noErr) {
        if (s->q) AudioQueueDispose(s->q, true);
        free(s->ring);
        free(s);
        return avcap__error(a->msg, AVCAP_ERR_OPEN, "coreaudio: %u Hz x %u float refused (%d)", rate, channels, (int)st);
    }
    a->rate = rate;
    a->channels = channels;
    a->impl = s;
    return AVCAP_OK;
}

int avcap__audio_read_device(avcap_audio *a, float *buf, size_t frames, size_t *got)
{
    avcap__aq *s = (avcap__aq *)a->impl;
    size_t i, n;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        n = s->count < frames ? s->count : frames;
        for (i = 0; i < n; i++) memcpy(buf + i * s->ch, s->ring + ((s->head + i) % s->cap) * s->ch, s->ch * sizeof(float));
        s->head = (s->head + n) % s->cap;
        s->count -= n;
        pthread_mutex_unlock(&s->lock);
        if (n) break;
        if (dispatch_semaphore_wait(s->ready, dispatch_time(DISPATCH_TIME_NOW, 2 * NSEC_PER_SEC)))
            return avcap__error(a->msg, AVCAP_ERR_IO, "coreaudio: no audio for 2 s");
    }
    *got = n;
    return AVCAP_OK;
}

void avcap__audio_close_device(avcap_audio *a)
{
    avcap__aq *s = (avcap__aq *)a->impl;
    AudioQueueStop(s->q, true);
    AudioQueueDispose(s->q, true);
    pthread_mutex_destroy(&s->lock);
    free(s->ring);
    free(s);
}

/* ------------------------------------------------------- AVFoundation */

@interface AvcapGrabber : NSObject <AVCaptureVideoDataOutputSampleBufferDelegate>
@property(nonatomic) dispatch_semaphore_t ready;
@property(nonatomic) unsigned char *luma; /* newest frame, width x height */
@property(nonatomic) int width, height;
@property(nonatomic) double t;
@end

@implementation AvcapGrabber
- (void)captureOutput:(AVCaptureOutput *)output
    didOutputSampleBuffer:(CMSampleBufferRef)sb
           fromConnection:(AVCaptureConnection *)conn {
    CVImageBufferRef img = CMSampleBufferGetImageBuffer(sb);
    (void)output; (void)conn;
    CVPixelBufferLockBaseAddress(img, kCVPixelBufferLock_ReadOnly);
    {
        const unsigned char *y = (const unsigned char *)CVPixelBufferGetBaseAddressOfPlane(img, 0);
        size_t stride = CVPixelBufferGetBytesPerRowOfPlane(img, 0), r;
        int w = (int)CVPixelBufferGetWidthOfPlane(img, 0), h = (int)CVPixelBufferGetHeightOfPlane(img, 0);
        @synchronized(self) {
            if (!self.luma) {
                self.width = w;
                self.height = h;
                self.luma = (unsigned char *)malloc((size_t)w * (size_t)h);
            }
            for (r = 0; self.luma && w == self.width && r < (size_t)h; r++) memcpy(self.luma + r * (size_t)w, y + r * stride, (size_t)w);
            self.t = avcap_now();
        }
    }
    CVPixelBufferUnlockBaseAddress(img, kCVPixelBufferLock_ReadOnly);
    dispatch_semaphore_signal(self.ready);
}
@end

typedef struct avcap__avf {
    void *session; /* AVCaptureSession, retained through CFBridgingRetain */
    void *grabber;
} avcap__avf;

int avcap__video_open_device(avcap_video *v, int backend, const char *arg, int width, int height, double fps)
{
    @autoreleasepool {
        NSArray<AVCaptureDevice *> *devs;
        AVCaptureDevice *dev;
        AVCaptureDeviceInput *in;
        AVCaptureVideoDataOutput *out;
        AVCaptureSession *session;
        AvcapGrabber *g;
        avcap__avf *s;
        NSError *err = nil;
        int index = atoi(arg);
        (void)width; (void)height; (void)fps; /* the session preset's defaults */
        if (backend != AVCAP_BE_AVF) return avcap__error(v->msg, AVCAP_ERR_UNSUPPORTED, "only avf: cameras on macOS");
        devs = [AVCaptureDeviceDiscoverySession
                   discoverySessionWithDeviceTypes:@[ AVCaptureDeviceTypeBuiltInWideAngleCamera, AVCaptureDeviceTypeExternalUnknown ]
                                         mediaType:AVMediaTypeVideo
                                          position:AVCaptureDevicePositionUnspecified]
                   .devices;
        if (index < 0 || (NSUInteger)index >= devs.count) return avcap__error(v->msg, AVCAP_ERR_OPEN, "avf:%s: no such camera", arg);
        dev = devs[(NSUInteger)index];
        in = [AVCaptureDeviceInput deviceInputWithDevice:dev error:&err];
        if (!in) return avcap__error(v->msg, AVCAP_ERR_OPEN, "avf:%s: %s", arg, err.localizedDescription.UTF8String);
        session = [[AVCaptureSession alloc] init];
        session.sessionPreset = AVCaptureSessionPreset640x480;
        out = [[AVCaptureVideoDataOutput alloc] init];
        out.videoSettings = @{(id)kCVPixelBufferPixelFormatTypeKey : @(kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange)};
        out.alwaysDiscardsLateVideoFrames = YES;
        g = [[AvcapGrabber alloc] init];
        g.ready = dispatch_semaphore_create(0);
        [out setSampleBufferDelegate:g queue:dispatch_queue_create("avcap.video", DISPATCH_QUEUE_SERIAL)];
        if (![session canAddInput:in] || ![session canAddOutput:out])
            return avcap__error(v->msg, AVCAP_ERR_FORMAT, "avf:%s: cannot stream 420v frames", arg);
        [session addInput:in];
        [session addOutput:out];
        [session startRunning];
        if (dispatch_semaphore_wait(g.ready, dispatch_time(DISPATCH_TIME_NOW, 5 * NSEC_PER_SEC))) {
            [session stopRunning];
            return avcap__error(v->msg, AVCAP_ERR_OPEN, "avf:%s: no frame in 5 s (camera permission?)", arg);
        }
        s = (avcap__avf *)calloc(1, sizeof *s);
        if (!s) return avcap__error(v->msg, AVCAP_ERR_OPEN, "out of memory");
        s->session = (void *)CFBridgingRetain(session);
        s->grabber = (void *)CFBridgingRetain(g);
        v->width = g.width;
        v->height = g.height;
        v->fps = 30;
        v->impl = s;
        return AVCAP_OK;
    }
}

int avcap__video_grab_device(avcap_video *v, unsigned char *grey, double *t)
{
    avcap__avf *s = (avcap__avf *)v->impl;
    AvcapGrabber *g = (__bridge AvcapGrabber *)s->grabber;
    if (dispatch_semaphore_wait(g.ready, dispatch_time(DISPATCH_TIME_NOW, 2 * NSEC_PER_SEC)))
        return avcap__error(v->msg, AVCAP_ERR_IO, "avf: no frame for 2 s");
    @synchronized(g) {
        memcpy(grey, g.luma, (size_t)v->width * (size_t)v->height);
        *t = g.t - v->t0;
    }
    return AVCAP_OK;
}

void avcap__video_close_device(avcap_video *v)
{
    avcap__avf *s = (avcap__avf *)v->impl;
    AVCaptureSession *session = (AVCaptureSession *)CFBridgingRelease(s->session);
    AvcapGrabber *g = (AvcapGrabber *)CFBridgingRelease(s->grabber);
    [session stopRunning];
    free(g.luma);
    free(s);
}
#endif /* __APPLE__ */
